import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_VARIABLES,
  CAPTURE_ENV,
  DELIVERY_ENV,
  FEED_ENV,
  FUNCTION_KNOBS,
  PLATFORM_ENV,
} from '../../lambda/config/environment';
import { readFlag, readPositiveInt } from '../../lambda/config/env-readers';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { DEFAULT_MAX_OBJECT_BYTES } from '../../lambda/feeds/s3-object-feed';
import { feedSettingsFromEnv } from '../../lambda/feeds/feed-settings';
import { DEFAULT_METRICS_NAMESPACE } from '../../lambda/observability/metrics';
import { CAPTURE_DEFAULTS } from '../../lambda/capture/capture-defaults';

const ROOT = path.resolve(__dirname, '../..');
const CATALOGUE = 'lambda/config/environment.ts';
const SOURCE_FOLDERS = ['lambda', 'lib', 'local', 'scripts', 'bench', 'certify', 'cost', 'test', 'bin'];

function trackedSources(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', ...SOURCE_FOLDERS], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\0').filter((file) => /\.m?ts$/.test(file));
}

/** A name spelled as code: a string literal, an object key or a property access (comments may mention it). */
function spellings(name: string): RegExp[] {
  const word = name.replace(/[$]/g, '\\$&');
  return [
    new RegExp(`(['"\`])${word}\\1`),
    new RegExp(`^\\s*(?:readonly\\s+)?${word}\\??\\s*:`),
    new RegExp(`[{,]\\s*${word}\\??\\s*:`),
    new RegExp(`\\.${word}\\b`),
  ];
}

function isComment(line: string): boolean {
  return /^\s*(\*|\/\/|\/\*)/.test(line);
}

describe('the configuration catalogue', () => {
  it('names every variable once', () => {
    // Prepare
    const names = ALL_VARIABLES.map((variable) => variable.name);
    // Assess
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect(names.length).toBeGreaterThan(60);
  });

  it('is the only source module that spells a variable name', () => {
    // Prepare
    const files = trackedSources().filter((file) => file !== CATALOGUE);
    const patterns = ALL_VARIABLES.map((variable) => ({ name: variable.name, patterns: spellings(variable.name) }));
    // Act
    const strays: string[] = [];
    for (const file of files) {
      readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (isComment(line)) return;
          for (const { name, patterns: forName } of patterns) {
            if (line.includes(name) && forName.some((pattern) => pattern.test(line)))
              strays.push(`${file}:${index + 1} ${name}`);
          }
        });
    }
    // Assess
    expect(files.length).toBeGreaterThan(100);
    expect(strays).toEqual([]);
  });

  it('finds a stray spelling (the check can fail)', () => {
    // Prepare
    const [literal, key, property] = [
      `const x = '${DELIVERY_ENV.partnerApiUrl}';`,
      `  { ${DELIVERY_ENV.partnerApiUrl}: url }`,
      `env.${DELIVERY_ENV.partnerApiUrl}`,
    ];
    // Assess
    for (const line of [literal, key, property])
      expect(spellings(DELIVERY_ENV.partnerApiUrl).some((pattern) => pattern.test(line))).toBe(true);
    expect(spellings(DELIVERY_ENV.partnerApiUrl).some((pattern) => pattern.test('PARTNER_API_URL_SUFFIX = 1'))).toBe(
      false,
    );
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

  it("documents the delivery knobs' defaults as the code has them", () => {
    // Prepare
    const keys = [
      'inlineDeadlineMs',
      'deliveryBudgetSeconds',
      'backoffBaseMs',
      'backoffMaxMs',
      'holdMaxMs',
      'circuitOpenMs',
      'queueMessageMaxBytes',
      'suspendOnAuthFailure',
    ] as const;
    // Act
    const documented = keys.map(
      (key) => ALL_VARIABLES.find((variable) => variable.name === DELIVERY_ENV[key])?.default,
    );
    // Assess
    expect(documented).toEqual(keys.map((key) => String(DELIVERY_DEFAULTS[key])));
  });

  it('documents the feed, capture and metrics defaults as the code has them', () => {
    // Prepare
    const defaultOf = (name: string): string | undefined =>
      ALL_VARIABLES.find((variable) => variable.name === name)?.default;
    // Act
    const feed = feedSettingsFromEnv({});
    // Assess
    expect({
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
    }).toEqual(
      Object.fromEntries(
        [...Object.values(FEED_ENV), ...Object.values(CAPTURE_ENV), PLATFORM_ENV.metricsNamespace].flatMap((name) => {
          const value = defaultOf(name);
          return value === undefined ? [] : [[name, value]];
        }),
      ),
    );
  });
});

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
