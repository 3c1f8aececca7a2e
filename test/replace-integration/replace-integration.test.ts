import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import type { SystemStatus } from '../../local/status-page';
import { GENEROUS_BUDGET_MS } from '../support/certify';
import { signalGroup, spawnGroup, stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';

/**
 * The kit's promise to a partner: rewrite lambda/integration/ and nothing else. A copy of the kit (its sources,
 * node_modules linked) gets a different integration in that folder (test/replace-integration/other-integration:
 * other settings, other paths, another auth header, no DSR support), and then, as a partner would run them:
 * - the whole project type-checks and the new folder passes Biome (`npm test`'s first two steps);
 * - the kit tests that reach the integration other than through vitest's resolver pass (below, KIT_TESTS);
 * - `npm run registration` prints the new registration;
 * - `npm run certify -- --with-data` against `npm start` passes, and the partner stand-in receives the new paths.
 */

/**
 * Not the whole kit suite (about 2½ minutes on two quiet cores, on top of this one): in-process, every kit test
 * runs test/support/kit-integration whatever lambda/integration holds (kit-integration.test.ts shows the
 * resolver that does it), so what the replacement can break is what runs outside vitest: spawned CLIs, bundles,
 * and the few tests that say what the handlers run. These are those, one of each kind.
 */
const KIT_TESTS = [
  'test/replace-integration/kit-integration.test.ts', // the resolver and the env for spawned processes
  'test/handlers/ingress-handler.test.ts', // the deployed entry point, in-process
  'test/firehose/registration.test.ts', // `npm run registration`, spawned
  'test/certify/certify-local.test.ts', // the local system (its ingress bundled) and `npm run certify`, spawned
  'test/local/npm-start.test.ts', // `npm start`, spawned, with its reload and its type check
];

/** Set in the copy's environment: a full run there must not start this file again. */
const NESTED = 'KIT_REPLACED_INTEGRATION_COPY';

/** What is copied: the sources, the config, the samples; never node_modules, build output or local state. */
const COPIED = [
  'bin',
  'lib',
  'lambda',
  'test',
  'bench',
  'scripts',
  'local',
  'certify',
  'cost',
  'events',
  'docs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'biome.json',
  'vitest.config.mts',
  'cdk.json',
];
const NOT_COPIED = /(^|\/)(node_modules|cdk\.out)(\/|$)|^bench\/out(\/|$)/;

let copy: string;
/** The copy's commands run as a partner's shell would: no test override of the integration, typed in the copy. */
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'kit-replaced-'));
  for (const entry of COPIED)
    cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry), {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(PROJECT_ROOT, source);
        return !NOT_COPIED.test(relative) && !relative.startsWith(path.join('lambda', 'integration'));
      },
    });
  cpSync(path.join(__dirname, 'other-integration'), path.join(copy, 'lambda', 'integration'), { recursive: true });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  // Blank, not deleted: runCli starts from this process's env, where test/setup names the tests' integration.
  env = { [NESTED]: '1', [LOCAL_ENV.localIntegrationModule]: '', [PLATFORM_ENV.initCwd]: copy };
});

afterEach(() => stopAll());
afterAll(async () => {
  await stopAll();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

const bin = (name: string): string => path.join(PROJECT_ROOT, 'node_modules', '.bin', name);

describe.skipIf(process.env[NESTED] === '1')(
  'a kit whose lambda/integration/ is replaced by another integration',
  () => {
    it('type-checks as a whole, and the new folder passes Biome', async () => {
      const tsc = await runCli(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: copy, env, timeoutMs: 120_000 });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.code).toBe(0);
      const biome = await runCli(bin('biome'), ['check', '--vcs-enabled=false', 'lambda/integration'], {
        cwd: copy,
        env,
        timeoutMs: 60_000,
      });
      expect(biome.code, biome.stdout + biome.stderr).toBe(0);
    }, 180_000);

    it("passes the kit's tests that reach the integration outside vitest's resolver", async () => {
      const vitest = path.join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
      // One worker: this file already holds one of the outer run's two.
      const run = await runCli(
        process.execPath,
        [vitest, 'run', '--project', 'kit', '--maxWorkers=1', '--reporter=dot', ...KIT_TESTS],
        { cwd: copy, env: { ...env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' }, timeoutMs: 420_000 },
      );
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`Test Files\\s+${KIT_TESTS.length} passed`));
    }, 480_000);

    it('prints the new registration with `npm run registration`', async () => {
      const out = await runCli('npm', ['run', '--silent', 'registration'], { cwd: copy, env, timeoutMs: 60_000 });
      expect(out.code, out.stderr).toBe(0);
      const response = JSON.parse(out.stdout) as Record<string, unknown>;
      expect(response).toMatchObject({
        type: 'module_registration_response',
        name: 'Acme Segments',
        version: '2.3',
        event_processing_registration: {
          account_settings: [expect.objectContaining({ id: 'workspaceToken', confidential: true })],
          supported_event_types: ['custom_event', 'screen_view'],
        },
      });
      expect(response).not.toHaveProperty('dsr_processing_registration');
    }, 90_000);

    it('passes `npm run certify -- --with-data` against `npm start`, whose partner receives the new paths', async () => {
      // Prepare: `npm start` in the copy on free ports, as a partner starts it.
      const start = spawnGroup('npm', ['start'], {
        cwd: copy,
        env: {
          ...process.env,
          ...env,
          [LOCAL_ENV.invokePort]: '0',
          [LOCAL_ENV.httpPort]: '0',
          [LOCAL_ENV.partnerPort]: '0',
          [LOCAL_ENV.sqsPort]: '0',
        },
      });
      let output = '';
      start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = await waitFor(
        () => /Lambda Invoke API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
        60_000,
        () => {
          return `npm start printed no URL:\n${output}`;
        },
      );

      // Act
      const certify = await runCli(
        'npm',
        [
          'run',
          '--silent',
          'certify',
          '--',
          '--endpoint',
          url,
          '--with-data',
          '--repeat',
          '2',
          '--budget-ms',
          String(GENEROUS_BUDGET_MS),
          '--json',
        ],
        { cwd: copy, env, timeoutMs: 120_000 },
      );
      const status = (await (await fetch(`${url}/_status.json`)).json()) as SystemStatus;
      signalGroup(start, 'SIGINT');

      // Assess: every check passed, the registration compared is the new one, and the calls took the new paths.
      expect(certify.code, `${certify.stdout}\n${certify.stderr}\n${output}`).toBe(0);
      const report = JSON.parse(certify.stdout) as { passed: boolean; checks: { check: string; status: string }[] };
      expect(report.passed).toBe(true);
      expect(report.checks).toContainEqual(
        expect.objectContaining({ check: 'registration: same as this checkout', status: 'pass' }),
      );
      const paths = new Set(status.deliveries.map((d) => d.path.replace(/\/segments\/\d+\//, '/segments/{id}/')));
      expect(paths).toEqual(new Set(['/v2/track', '/v2/segments/{id}/subscription', '/v2/segments/members']));
    }, 240_000);
  },
);

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, why: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
