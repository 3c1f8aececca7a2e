import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/delivery/defaults';
import { RUNTIME_LOOP_FILES } from '../../lambda/runtime-loop/files';
import { MANAGED_RUNTIME_ARGS } from '../../local/runtime-loop-process';
import { PLATFORM_ENV } from '../../lambda/config/environment';

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

async function start(wrapper: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  await run(wrapper, [...args], { env: { [PLATFORM_ENV.path]: process.env[PLATFORM_ENV.path] ?? '', ...env } });
}

const recorded = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');

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
      '--max-semi-space-size=16',
      '--max-old-space-size=870',
      'arg with space',
      '/var/runtime/index.mjs',
    ];
    // Act
    await start(root.wrapper, [root.recorder, ...args]);
    // Assess
    expect(recorded(root.record)).toEqual([...args.slice(0, -1), path.join(root.dir, RUNTIME_LOOP_FILES.loop)]);
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
    await start(root.wrapper, args);
    // Assess
    expect(recorded(root.record)).toEqual(args.slice(1));
  });

  it('runs the managed runtime unchanged when the interpreter is not node', async () => {
    // Prepare
    const root = taskRoot(true);
    const other = path.join(path.dirname(root.recorder), 'deno');
    copyFileSync(root.recorder, other);
    chmodSync(other, 0o755);
    // Act
    await start(root.wrapper, [other, ...MANAGED_RUNTIME_ARGS]);
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
  });

  it('runs the managed runtime unchanged when the loop file is missing', async () => {
    // Prepare
    const root = taskRoot(false);
    // Act
    await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS]);
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
  });

  it(`runs the managed runtime unchanged when ${ENV.managedRuntime}=true`, async () => {
    // Prepare
    const root = taskRoot(true);
    // Act
    await start(root.wrapper, [root.recorder, ...MANAGED_RUNTIME_ARGS], { [ENV.managedRuntime]: 'true' });
    // Assess
    expect(recorded(root.record)).toEqual([...MANAGED_RUNTIME_ARGS]);
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
    expect(script).toContain(`\${${ENV.managedRuntime}:-}`);
    expect(script).toContain(`/${RUNTIME_LOOP_FILES.loop}"`);
  });

  it('fails plainly when started without arguments', async () => {
    // Prepare
    const root = taskRoot(true);
    // Act + Assess
    await expect(start(root.wrapper, [])).rejects.toMatchObject({ code: 127 });
  });
});
