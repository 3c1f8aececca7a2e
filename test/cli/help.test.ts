import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll } from '../support/processes';
import { inBatches, PROJECT_ROOT, runCli, type CliResult } from '../support/run-cli';

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
const scripts = readdirSync(path.join(PROJECT_ROOT, 'scripts')).filter((file) => file.endsWith('.ts'));

afterAll(() => stopAll());

describe('every script answers --help', () => {
  let results: CliResult[] = [];
  it('runs them', async () => {
    results = await inBatches(scripts, 3, (file) =>
      runCli(tsx, [path.join('scripts', file), '--help'], { timeoutMs: 30_000 }),
    );
    expect(results).toHaveLength(scripts.length);
  }, 120_000);

  it.each(scripts.map((file, index) => [file, index] as const))(
    '%s --help: exit 0, usage on stdout, nothing started',
    (file, index) => {
      const result = results[index] as CliResult;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^usage: /im);
      expect(result.stdout).toContain(file === 'start.ts' ? 'npm start' : file.replace(/\.ts$/, ''));
      expect(result.stderr).not.toMatch(/listening|running locally|NodeVersionSupportWarning/i);
    },
  );
});
