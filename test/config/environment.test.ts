import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_VARIABLES,
  CAPTURE_ENV,
  DELIVERY_ENV,
  FUNCTION_ENV,
  FEED_ENV,
  FUNCTION_KNOBS,
  LOCAL_ENV,
  PLATFORM_ENV,
} from '../../lambda/config/environment';
import { readFlag, readPositiveInt } from '../../lambda/config/env-readers';
import { CAPTURE_DEFAULTS } from '../../lambda/capture/capture-defaults';
import { readDeliveryConfig } from '../../lambda/delivery/delivery-config';
import { DEFAULT_MAX_OBJECT_BYTES } from '../../lambda/feeds/s3-object-feed';
import { feedSettingsFromEnv } from '../../lambda/feeds/feed-settings';
import { httpInlineDeadlineMs } from '../../lambda/http/warm-up';
import { createLogger } from '../../lambda/observability/logger';
import { DEFAULT_METRICS_NAMESPACE } from '../../lambda/observability/metrics';
import { DEFAULT_INVOKE_PORT } from '../../local/redrive-target';

const ROOT = path.resolve(__dirname, '../..');
const CATALOGUE = 'lambda/config/environment.ts';
const SOURCE_FOLDERS = ['lambda', 'lib', 'local', 'scripts', 'bench', 'certify', 'cost', 'test', 'bin'];

/** Every tracked script: TypeScript, plain JavaScript (.mjs, .js, .cjs) and shell, in the folders and at the root. */
const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js|sh)$/;

function trackedSources(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', ...SOURCE_FOLDERS, ':(glob)*.*'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed.split('\0').filter((file) => SOURCE_FILE.test(file));
}

/**
 * Files that cannot import the catalogue, and the names each may spell (a stray beyond these fails as anywhere
 * else): the exec wrapper is a shell script Lambda starts before Node.js; the managed-runtime stand-in is a plain
 * ES module that reads what Lambda's own runtime reads, as that runtime does.
 */
const STANDALONE_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  'lambda/runtime-loop/wrapper.sh': [
    PLATFORM_ENV.lambdaMaxConcurrency,
    FUNCTION_ENV.managedRuntime,
    PLATFORM_ENV.metricsNamespace,
    PLATFORM_ENV.nodeOptions,
    PLATFORM_ENV.serviceName,
  ],
  'bench/managed-runtime-stand-in.mjs': [
    PLATFORM_ENV.lambdaHandler,
    PLATFORM_ENV.lambdaRuntimeApi,
    PLATFORM_ENV.lambdaTaskRoot,
  ],
};

/** A name spelled as code: a string literal, an object key or a property access (comments may mention it). */
function spellings(name: string): RegExp[] {
  const word = name.replace(/[$]/g, '\\$&');
  return [
    new RegExp(`(['"\`])${word}\\1`),
    new RegExp(`^\\s*(?:readonly\\s+)?${word}\\??\\s*:`),
    new RegExp(`[{,]\\s*${word}\\??\\s*:`),
    new RegExp(`\\.${word}\\b`),
    // Shell: $NAME, ${NAME…}, NAME=… and export NAME=…
    new RegExp(`\\$\\{?${word}(?![A-Za-z0-9_])`),
    new RegExp(`^\\s*(?:export\\s+)?${word}=`),
  ];
}

function isComment(file: string, line: string): boolean {
  return file.endsWith('.sh') ? /^\s*#/.test(line) : /^\s*(\*|\/\/|\/\*)/.test(line);
}

/** Each variable name spelled as code in `file`, with its line. */
function spelledIn(file: string): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  readFileSync(path.join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (isComment(file, text)) return;
      for (const { name } of ALL_VARIABLES) {
        if (text.includes(name) && spellings(name).some((pattern) => pattern.test(text)))
          found.push({ name, line: index + 1 });
      }
    });
  return found;
}

describe('the configuration catalogue', () => {
  it('names every variable once', () => {
    // Prepare
    const names = ALL_VARIABLES.map((variable) => variable.name);
    // Assess
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect(names.length).toBeGreaterThan(60);
  });

  it('is the only source file that spells a variable name (TypeScript, JavaScript and shell alike)', () => {
    // Prepare
    const files = trackedSources().filter((file) => file !== CATALOGUE);
    // Act
    const strays = files.flatMap((file) =>
      spelledIn(file)
        .filter(({ name }) => !STANDALONE_SPELLINGS[file]?.includes(name))
        .map(({ name, line }) => `${file}:${line} ${name}`),
    );
    // Assess: every kind of file was read, and nothing outside the catalogue spells a name it may not.
    expect(files.length).toBeGreaterThan(100);
    for (const kind of ['.ts', '.mts', '.mjs', '.sh'])
      expect(
        files.some((file) => file.endsWith(kind)),
        `no ${kind} file scanned`,
      ).toBe(true);
    expect(strays).toEqual([]);
  });

  it('lets the files that cannot import the catalogue spell exactly the names listed for them', () => {
    // Act
    const spelled = Object.fromEntries(
      Object.keys(STANDALONE_SPELLINGS).map((file) => [
        file,
        [...new Set(spelledIn(file).map(({ name }) => name))].sort(),
      ]),
    );
    // Assess: the list is neither stale nor wider than the files need.
    expect(spelled).toEqual(
      Object.fromEntries(Object.entries(STANDALONE_SPELLINGS).map(([file, names]) => [file, [...names].sort()])),
    );
  });

  it('finds a stray spelling (the check can fail)', () => {
    // Prepare
    const [literal, key, property] = [
      `const x = '${DELIVERY_ENV.partnerApiUrl}';`,
      `  { ${DELIVERY_ENV.partnerApiUrl}: url }`,
      `env.${DELIVERY_ENV.partnerApiUrl}`,
    ];
    const shell = [
      `url="\${${DELIVERY_ENV.partnerApiUrl}:-}"`,
      `curl "$${DELIVERY_ENV.partnerApiUrl}/events"`,
      `export ${DELIVERY_ENV.partnerApiUrl}=x`,
    ];
    const longer = `${DELIVERY_ENV.partnerApiUrl}_SUFFIX`;
    const found = (line: string): boolean =>
      spellings(DELIVERY_ENV.partnerApiUrl).some((pattern) => pattern.test(line));
    // Assess
    for (const line of [literal, key, property, ...shell]) expect(found(line), line).toBe(true);
    for (const line of [`${longer} = 1`, `$${longer}`, `\${${longer}}`]) expect(found(line), line).toBe(false);
  });

  it("lists every knob the functions read in the README's tables or the doc it names", () => {
    // Prepare
    const readmeRows = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .join('\n');
    // Act
    const missing = FUNCTION_KNOBS.filter((knob) => {
      const where = knob.doc === undefined ? readmeRows : readFileSync(path.join(ROOT, knob.doc), 'utf8');
      return !where.includes(`\`${knob.name}\``);
    }).map((knob) => `${knob.name} (${knob.doc ?? 'README.md knob table'})`);
    // Assess
    expect(FUNCTION_KNOBS.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('documents every default the catalogue lists as the code has it, and lists every one', () => {
    // Prepare: what the code uses when each variable is unset, read from the code that uses it.
    const delivery = readDeliveryConfig({
      [DELIVERY_ENV.partnerApiUrl]: 'https://partner.example',
      [DELIVERY_ENV.deliveryQueueUrl]: 'https://sqs.example/queue',
      [DELIVERY_ENV.deadLetterQueueUrl]: 'https://sqs.example/dlq',
      [DELIVERY_ENV.localSealingKey]: 'a-key',
    });
    if (delivery === undefined) throw new Error('readDeliveryConfig gave no configuration');
    const feed = feedSettingsFromEnv({});
    const start = localSystemDefaults();
    const inCode: Record<string, string> = {
      [DELIVERY_ENV.inlineDeadlineMs]: String(delivery.inlineDeadlineMs),
      [DELIVERY_ENV.deliveryBudgetSeconds]: String(delivery.retry.budgetMs / 1000),
      [DELIVERY_ENV.backoffBaseMs]: String(delivery.retry.backoff.baseMs),
      [DELIVERY_ENV.backoffMaxMs]: String(delivery.retry.backoff.maxMs),
      [DELIVERY_ENV.holdMaxMs]: String(delivery.retry.holdMaxMs),
      [DELIVERY_ENV.circuitOpenMs]: String(delivery.circuitOpenMs),
      [DELIVERY_ENV.queueMessageMaxBytes]: String(delivery.maxMessageBytes),
      [DELIVERY_ENV.suspendOnAuthFailure]: String(delivery.suspendOnAuthFailure),
      [DELIVERY_ENV.httpInlineDeadlineMs]: String(httpInlineDeadlineMs({})),
      [FUNCTION_ENV.logLevel]: defaultLogLevel(),
      [FEED_ENV.historicalAfterDays]: String(feed.historicalAfterDays),
      [FEED_ENV.concurrency]: String(feed.concurrency),
      [FEED_ENV.maxBatchesPerRequest]: String(feed.limits.maxBatchesPerRequest),
      [FEED_ENV.maxRequestBytes]: String(feed.limits.maxRequestBytes),
      [FEED_ENV.maxBatchBytes]: String(feed.limits.maxBatchBytes),
      [FEED_ENV.requestTimeoutMs]: String(feed.requestTimeoutMs),
      [FEED_ENV.maxObjectBytes]: String(DEFAULT_MAX_OBJECT_BYTES),
      [CAPTURE_ENV.sampleRate]: String(CAPTURE_DEFAULTS.sampleRate),
      [CAPTURE_ENV.maxRecords]: String(CAPTURE_DEFAULTS.maxRecords),
      [PLATFORM_ENV.metricsNamespace]: DEFAULT_METRICS_NAMESPACE,
      [LOCAL_ENV.bindHost]: start.host,
      [LOCAL_ENV.invokePort]: start.ports[LOCAL_ENV.invokePort] ?? 'not found in scripts/start.ts',
      [LOCAL_ENV.httpPort]: start.ports[LOCAL_ENV.httpPort] ?? 'not found in scripts/start.ts',
      [LOCAL_ENV.partnerPort]: start.ports[LOCAL_ENV.partnerPort] ?? 'not found in scripts/start.ts',
      [LOCAL_ENV.sqsPort]: start.ports[LOCAL_ENV.sqsPort] ?? 'not found in scripts/start.ts',
    };
    // Act
    const documented = Object.fromEntries(
      ALL_VARIABLES.flatMap((variable) => (variable.default === undefined ? [] : [[variable.name, variable.default]])),
    );
    // Assess: the same names (a default added to the catalogue needs its comparison here) and the same values.
    expect(Object.keys(documented).length).toBeGreaterThanOrEqual(25);
    expect(documented).toEqual(inCode);
    // `npm run redrive --local` aims at the port `npm start` listens on by default.
    expect(String(DEFAULT_INVOKE_PORT)).toBe(documented[LOCAL_ENV.invokePort]);
  });
});

/** Powertools' level for a logger made with neither LOG_LEVEL nor POWERTOOLS_LOG_LEVEL set. */
function defaultLogLevel(): string {
  const names = [FUNCTION_ENV.logLevel, PLATFORM_ENV.powertoolsLogLevel];
  const saved = names.map((name) => process.env[name]);
  try {
    for (const name of names) delete process.env[name];
    return createLogger('environment-test').getLevelName();
  } finally {
    names.forEach((name, index) => {
      const value = saved[index];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    });
  }
}

/**
 * `npm start`'s defaults: scripts/start.ts passes each port to the local system as a literal beside its variable
 * (`port(LOCAL_ENV.invokePort, 3001)`), and local/local-system.ts falls back to a literal host. Both are read from
 * the source, since running `npm start` on its default ports would collide with anyone else's.
 */
function localSystemDefaults(): { ports: Record<string, string>; host: string } {
  const start = readFileSync(path.join(ROOT, 'scripts/start.ts'), 'utf8');
  const ports: Record<string, string> = {};
  for (const [, group, key, value] of start.matchAll(/\b(DELIVERY_ENV|LOCAL_ENV)\.(\w+)\s*,\s*([\d_]+)\s*\)/g)) {
    const names: Record<string, string> = group === 'DELIVERY_ENV' ? DELIVERY_ENV : LOCAL_ENV;
    const name = key === undefined ? undefined : names[key];
    if (name !== undefined && value !== undefined) ports[name] = value.replace(/_/g, '');
  }
  const system = readFileSync(path.join(ROOT, 'local/local-system.ts'), 'utf8');
  const host = /options\.host \?\? '([^']+)'/.exec(system)?.[1] ?? 'not found in local/local-system.ts';
  return { ports, host };
}

describe('the catalogue parsers', () => {
  it('read a positive whole number, the fallback when unset, and name the variable (never the value) on error', () => {
    // Prepare
    const name = DELIVERY_ENV.inlineDeadlineMs;
    // Assess
    expect(readPositiveInt({ [name]: '250' }, name, 100)).toBe(250);
    expect(readPositiveInt({ [name]: '' }, name, 100)).toBe(100);
    expect(readPositiveInt({}, name, 100)).toBe(100);
    for (const bad of ['0', '-3', '1.5', 'secret-looking-value']) {
      expect(() => readPositiveInt({ [name]: bad }, name, 100)).toThrow(`${name} must be a positive whole number`);
      expect(() => readPositiveInt({ [name]: bad }, name, 100)).not.toThrow(bad);
    }
  });

  it('read a flag: `true` in any case, anything else false, the fallback when unset', () => {
    // Prepare
    const name = DELIVERY_ENV.suspendOnAuthFailure;
    // Assess
    expect(readFlag({ [name]: 'TRUE' }, name, false)).toBe(true);
    expect(readFlag({ [name]: 'yes' }, name, true)).toBe(false);
    expect(readFlag({}, name, true)).toBe(true);
  });
});
