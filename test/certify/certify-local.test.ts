import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertify } from '../../certify/run';
import type { LocalSystem } from '../../local/local-system';
import { certifyArgs, certifyDeps, failures, GENEROUS_BUDGET_MS, localTarget, row } from '../support/certify';
import { runCli } from '../support/run-cli';
import { startTestLocalSystem } from '../support/local-system';

/** `npm run certify` against the real local system (the one `npm start` runs), on free ports. */

let system: LocalSystem;

beforeAll(async () => {
  system = await startTestLocalSystem();
});
afterAll(async () => {
  await system?.stop();
});

describe('certify against the local system', () => {
  it('passes every check through the Invoke API, and sends nothing to the partner by default', async () => {
    // Prepare
    const before = system.partner?.received.length ?? 0;

    // Act
    const results = await runCertify(
      certifyArgs(localTarget(system.invokeUrl), { budgetMs: GENEROUS_BUDGET_MS }),
      certifyDeps(),
    );

    // Assess
    expect(failures(results)).toEqual([]);
    expect(results.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'registration: protocol rules',
        'registration: same as this checkout',
        'verification: no user_profiles',
        'bad input: an event without type',
        'latency: first call',
        'fresh response ids',
      ]),
    );
    expect(results.every((r) => r.region === 'local')).toBe(true);
    expect(system.partner?.received.length).toBe(before);
  });

  it('with --with-data, sends one message of every kind, marked, and sees the partner stand-in receive each', async () => {
    // Prepare
    const before = system.partner?.received.length ?? 0;

    // Act
    const results = await runCertify(
      certifyArgs(localTarget(system.invokeUrl), { withData: true, repeat: 1, budgetMs: GENEROUS_BUDGET_MS }),
      certifyDeps(),
    );

    // Assess
    expect(failures(results)).toEqual([]);
    expect(row(results, 'data: partner received every message').detail).toBe('8 requests delivered');
    const received = (system.partner?.received ?? []).slice(before);
    expect(new Set(received.map((r) => r.path))).toEqual(
      new Set(['/events', '/audience-subscriptions', '/audience-memberships', '/erasures']),
    );
    expect(received.every((r) => (JSON.parse(r.bodyText) as { account_id?: unknown }).account_id === 0)).toBe(true);
  });

  it('passes every check over the HTTP variant, the token read from the named environment variable', async () => {
    // Act
    const results = await runCertify(
      certifyArgs(
        { kind: 'http', url: system.httpUrl, tokenEnv: 'CERTIFY_TEST_TOKEN', region: undefined },
        { budgetMs: GENEROUS_BUDGET_MS },
      ),
      certifyDeps({ env: { CERTIFY_TEST_TOKEN: 'local-token' } }),
    );

    // Assess
    expect(failures(results)).toEqual([]);
    expect(row(results, 'refuses a call without the token').status).toBe('pass');
    expect(row(results, 'bad input: not JSON').status).toBe('pass');
  });

  it('runs as `npm run certify`: exit 0, JSON on stdout, progress on stderr', async () => {
    // Act
    const out = await runCli(
      'npx',
      [
        'tsx',
        'scripts/certify.ts',
        '--endpoint',
        system.invokeUrl,
        '--repeat',
        '2',
        '--budget-ms',
        String(GENEROUS_BUDGET_MS),
        '--json',
      ],
      { timeoutMs: 60_000 },
    );

    // Assess
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as { passed: boolean; checks: { check: string; status: string }[] };
    expect(report.passed).toBe(true);
    expect(report.checks.length).toBeGreaterThan(20);
    expect(out.stderr).toContain('certify: local registration: protocol rules: pass');
  });
});
