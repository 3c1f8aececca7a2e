import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../lambda/config/environment';
import { startNpm } from '../support/npm-start';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';

afterEach(() => stopAll());
afterAll(() => stopAll());

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');

describe('npm run certify against npm start', () => {
  it.each([
    ['the Invoke API', (invokeUrl: string) => ['--endpoint', invokeUrl]],
    [
      'the HTTP variant',
      (_invokeUrl: string, httpUrl: string) => ['--url', `${httpUrl}/firehose`, '--token-env', 'CERTIFY_TOKEN'],
    ],
  ] as const)(
    'through %s: each bad input it sends on purpose is one quiet line in the npm start terminal, no ERROR, no stack',
    async (_name, target) => {
      // Prepare: npm start at its default level (WARN).
      const npm = await startNpm({ [FUNCTION_ENV.logLevel]: 'WARN' });
      const httpUrl = /HTTP variant\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(npm.output())?.[1] as string;
      const before = npm.output().length;
      // Act
      const certify = await runCli(tsx, ['scripts/certify.ts', ...target(npm.invokeUrl, httpUrl), '--json'], {
        env: { CERTIFY_TOKEN: 'local-token' },
        timeoutMs: 120_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Assess: certify sent its bad inputs and saw them refused cleanly (its latency checks are not this
      // test's business: on two busy cores they can miss).
      expect(certify.stdout, certify.stderr).toMatch(/^\{/);
      const checks = (JSON.parse(certify.stdout) as { checks: Array<{ check: string; status: string }> }).checks.filter(
        (r) => r.check.startsWith('bad input'),
      );
      expect(checks.length).toBeGreaterThanOrEqual(8);
      expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
      const terminal = npm
        .output()
        .slice(before)
        .split('\n')
        .filter((l) => l !== '');
      expect(terminal.filter((l) => /"level":"(ERROR|CRITICAL)"|\bERROR\b/.test(l))).toEqual([]);
      expect(terminal.filter((l) => /^\s+at |"stack"/.test(l))).toEqual([]);
      // One line per refusal, naming the field path.
      const refusals = terminal.filter((l) => /rejected|refused 400/.test(l));
      expect(refusals, terminal.join('\n')).toHaveLength(checks.length);
      for (const line of refusals)
        expect(line).toMatch(/^(invoke invalid → rejected|http POST \/firehose → refused 400)/);
      // The field path of every refusal that has one (a body that is not JSON has none).
      expect(refusals.filter((l) => /: (\w+(\[\d+\])?\.?)+: /.test(l)).length).toBeGreaterThanOrEqual(
        checks.length - 2,
      );
    },
    180_000,
  );
});
