import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE } from '../../lambda/observability/metrics';
import { MANAGED_RUNTIME_FALLBACK_METRIC, RUNTIME_LOOP_FILES } from '../../lambda/runtime-loop/files';
import { SERVICE_NAMES } from '../../lib/metrics';
import { MANAGED_RUNTIME_ARGS } from '../../local/runtime-loop-process';
import { FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

/**
 * The exec wrapper's decision, with a stand-in interpreter: a `node` script that records the arguments it
 * was started with, so each case shows exactly what the wrapper executed.
 */
const run = promisify(execFile);
const WRAPPER_SOURCE = path.resolve(__dirname, '../../lambda/runtime-loop/wrapper.sh');

function taskRoot(withLoop: boolean): { dir: string; wrapper: string; recorder: string; record: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapper-'));
  const wrapper = path.join(dir, RUNTIME_LOOP_FILES.wrapper);
  copyFileSync(WRAPPER_SOURCE, wrapper);
  chmodSync(wrapper, 0o755);
  if (withLoop) writeFileSync(path.join(dir, RUNTIME_LOOP_FILES.loop), '// the loop\n');
  const bin = mkdtempSync(path.join(tmpdir(), 'bin-'));
  const record = path.join(bin, 'argv.txt');
  const recorder = path.join(bin, 'node');
  writeFileSync(recorder, `#!/bin/sh\nfor a do printf '%s\\n' "$a"; done > '${record}'\n`);
  chmodSync(recorder, 0o755);
  return { dir, wrapper, recorder, record };
}

/** Runs the wrapper; resolves with what it wrote on stdout (the recorder writes to its file, not there). */
async function start(wrapper: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(wrapper, [...args], {
    env: { [PLATFORM_ENV.path]: process.env[PLATFORM_ENV.path] ?? '', ...env },
  });
  return stdout;
}

const recorded = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');

/** The wrapper's one line about a fallback, parsed (it must be exactly one JSON line). */
function fallbackLine(stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('the exec wrapper', () => {
  it('runs the loop with the interpreter and flags of the managed bootstrap', async () => {
    // Prepare
    const root = taskRoot(true);
    // Act
    await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS]);
    // Assess
    expect(recorded(root.record)).toEqual([
      ...MANAGED_RUNTIME_ARGS.slice(0, -1),
      path.join(root.dir, RUNTIME_LOOP_FILES.loop),
    ]);
  });

  it('keeps extra flags (memory settings) in their order', async () => {
    // Prepare
    const root = taskRoot(true);
    const args = [
      '--expose-gc',
      '--max-http-header-size=81920',
      '--max-semi-space-size=16',
      '--max-old-space-size=870',
      '/var/runtime/index.mjs',
    ];
    // Act
    const stdout = await start(root.wrapper, [root.recorder, ...args]);
    // Assess
    expect(recorded(root.record)).toEqual([...args.slice(0, -1), path.join(root.dir, RUNTIME_LOOP_FILES.loop)]);
    expect(stdout).toBe('');
  });

  it.each([
    ['--require', ['--require', '/opt/agent.js']],
    ['-r', ['-r', '/opt/agent.js']],
    ['--import=/opt/agent.mjs', ['--import=/opt/agent.mjs']],
    ['--inspect', ['--inspect']],
    ['--max-old-space-size=lots', ['--max-old-space-size=lots']],
    ['--max-http-header-size', ['--max-http-header-size']],
  ])('runs the managed runtime unchanged for a bootstrap flag it does not know: %s', async (flag, extra) => {
    // Prepare
    const root = taskRoot(true);
    const args = ['--expose-gc', ...extra, '/var/runtime/index.mjs'];
    // Act
    const stdout = await start(root.wrapper, [root.recorder, ...args]);
    // Assess
    expect(recorded(root.record)).toEqual(args);
    expect(fallbackLine(stdout)['reason']).toBe(`a bootstrap flag the loop does not know: ${flag}`);
  });

  it(`runs the managed runtime unchanged when ${PLATFORM_ENV.nodeOptions} preloads a module`, async () => {
    // Prepare
    const root = taskRoot(true);
    // Act
    const plain = await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS], {
      [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
    });
    const loopRecord = recorded(root.record);
    const preloading = await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS], {
      [PLATFORM_ENV.nodeOptions]: '--enable-source-maps --require /opt/wrap-handler.js',
    });
    // Assess
    expect(plain).toBe('');
    expect(loopRecord.at(-1)).toBe(path.join(root.dir, RUNTIME_LOOP_FILES.loop));
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
    expect(fallbackLine(preloading)['reason']).toBe(`${PLATFORM_ENV.nodeOptions} preloads a module`);
  });

  it(`runs the managed runtime unchanged when ${PLATFORM_ENV.lambdaMaxConcurrency} is set (Lambda Managed Instances)`, async () => {
    // Prepare
    const root = taskRoot(true);
    // Act
    const stdout = await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS], {
      [PLATFORM_ENV.lambdaMaxConcurrency]: '8',
    });
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
    expect(fallbackLine(stdout)['reason']).toBe(
      `${PLATFORM_ENV.lambdaMaxConcurrency} is set (Lambda Managed Instances)`,
    );
  });

  it('says why it fell back in one line that is also a metric in the functions’ namespace and service', async () => {
    // Prepare
    const root = taskRoot(true);
    const before = Date.now();
    // Act
    const stdout = await start(root.wrapper, [root.recorder, '--expose-gc', '/var/runtime/other.mjs'], {
      [PLATFORM_ENV.metricsNamespace]: 'Acme"Firehose',
      [PLATFORM_ENV.serviceName]: SERVICE_NAMES.ingress,
    });
    // Assess: embedded metric format, as CloudWatch reads it from a function's log.
    const line = fallbackLine(stdout);
    expect(line).toMatchObject({
      level: 'WARN',
      message: expect.stringContaining('integers beyond 2^53 are rounded'),
      reason: 'unexpected entry point: /var/runtime/other.mjs',
      service: SERVICE_NAMES.ingress,
      [MANAGED_RUNTIME_FALLBACK_METRIC]: 1,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Acme_Firehose',
            Dimensions: [['service']],
            Metrics: [{ Name: MANAGED_RUNTIME_FALLBACK_METRIC, Unit: 'Count' }],
          },
        ],
      },
    });
    const timestamp = (line['_aws'] as { Timestamp: number }).Timestamp;
    expect(timestamp).toBeGreaterThan(before - 2_000);
    expect(timestamp).toBeLessThan(Date.now() + 2_000);
  });

  it('counts the fallback under the default namespace and the ingress service when the variables are unset', async () => {
    // Prepare
    const root = taskRoot(false);
    // Act
    const line = fallbackLine(await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS]));
    // Assess
    expect(line).toMatchObject({
      reason: 'runtime-loop.js is missing beside the wrapper',
      service: SERVICE_NAMES.ingress,
      _aws: { CloudWatchMetrics: [{ Namespace: DEFAULT_METRICS_NAMESPACE }] },
    });
  });

  it.each([
    [
      'the last argument is another entry point',
      (r: ReturnType<typeof taskRoot>) => [r.recorder, '--expose-gc', '/var/runtime/other.mjs'],
    ],
    ['there is no entry point after the interpreter', (r: ReturnType<typeof taskRoot>) => [r.recorder, '--version']],
  ])('runs the managed runtime unchanged when %s', async (_, argsOf) => {
    // Prepare
    const root = taskRoot(true);
    const args = argsOf(root);
    // Act
    const stdout = await start(root.wrapper, args);
    // Assess
    expect(recorded(root.record)).toEqual(args.slice(1));
    expect(fallbackLine(stdout)['reason']).toBe(`unexpected entry point: ${args.at(-1)}`);
  });

  it('runs the managed runtime unchanged when the interpreter is not node', async () => {
    // Prepare
    const root = taskRoot(true);
    const other = path.join(path.dirname(root.recorder), 'deno');
    copyFileSync(root.recorder, other);
    chmodSync(other, 0o755);
    // Act
    const stdout = await start(root.wrapper, [other, ...MANAGED_RUNTIME_ARGS]);
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
    expect(fallbackLine(stdout)['reason']).toBe('the interpreter is not node: deno');
  });

  it('runs the managed runtime unchanged when the loop file is missing', async () => {
    // Prepare
    const root = taskRoot(false);
    // Act
    await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS]);
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
  });

  it(`runs the managed runtime unchanged when ${FUNCTION_ENV.managedRuntime}=true`, async () => {
    // Prepare
    const root = taskRoot(true);
    // Act
    const stdout = await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS], {
      [FUNCTION_ENV.managedRuntime]: 'true',
    });
    // Assess: a choice, not a fallback: said in the log, not counted.
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
    const line = JSON.parse(stdout) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'INFO',
      message: expect.stringContaining(`${FUNCTION_ENV.managedRuntime} is set`),
    });
    expect(line).not.toHaveProperty('_aws');
  });

  it('hands a differing bootstrap to the real node unchanged: the managed runtime runs, not the loop', async () => {
    // Prepare: a stand-in for the managed runtime's entry point that records how node started it.
    const root = taskRoot(true);
    const fakeRuntime = path.join(path.dirname(root.recorder), 'index.mjs');
    writeFileSync(
      fakeRuntime,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(root.record)}, process.execArgv.join('\\n'));\n`,
    );
    // Act
    await start(root.wrapper, [process.execPath, ...MANAGED_RUNTIME_ARGS.slice(0, -1), fakeRuntime]);
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS.slice(0, -1)]);
  });

  it('spells the opt-out variable and the loop file as the code does', () => {
    // Prepare + Act
    const script = readFileSync(WRAPPER_SOURCE, 'utf8');
    // Assess
    expect(script).toContain(`\${${FUNCTION_ENV.managedRuntime}:-}`);
    expect(script).toContain(`/${RUNTIME_LOOP_FILES.loop}"`);
    expect(script).toContain(`\${${PLATFORM_ENV.lambdaMaxConcurrency}+set}`);
    expect(script).toContain(`\${${PLATFORM_ENV.nodeOptions}:-}`);
    expect(script).toContain(`\${${PLATFORM_ENV.metricsNamespace}:-${DEFAULT_METRICS_NAMESPACE}}`);
    expect(script).toContain(`\${${PLATFORM_ENV.serviceName}:-${SERVICE_NAMES.ingress}}`);
    expect(script).toContain(`"${MANAGED_RUNTIME_FALLBACK_METRIC}":1,`);
  });

  it('fails plainly when started without arguments', async () => {
    // Prepare
    const root = taskRoot(true);
    // Act + Assess
    await expect(start(root.wrapper, [])).rejects.toMatchObject({ code: 127 });
  });
});
