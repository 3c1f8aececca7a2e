import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGroup, stopAll } from '../support/processes';

const ROOT = path.join(__dirname, '../..');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');

afterEach(() => stopAll());

describe('the test watchdog', () => {
  it('turns a synchronous endless loop into a failed file that names the test, instead of a hung run', async () => {
    // Prepare: the fixture spins forever; its config gives the watchdog a 2 s bound.
    const started = Date.now();
    const child = spawnGroup(
      process.execPath,
      [VITEST, 'run', '--config', 'test/setup/fixtures/watchdog.config.mts', '--reporter=default'],
      { cwd: ROOT, env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // Act
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Assess
    expect(code).not.toBe(0);
    expect(output).toMatch(/\[watchdog\] .*endless-loop\.fixture\.ts > spins on a synchronous loop: .*killing/);
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});
