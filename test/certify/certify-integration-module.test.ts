import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ENV } from '../../lambda/config/environment';
import type { LocalSystem } from '../../local/local-system';
import { GENEROUS_BUDGET_MS } from '../support/certify';
import { startTestLocalSystem } from '../support/local-system';
import { runCli } from '../support/run-cli';

/**
 * `npm run certify` judges the local system against the integration it runs: with LOCAL_INTEGRATION_MODULE, that
 * module's registration and mappings (here one without DSR support, whose erasure reaches no partner), not
 * lambda/integration's.
 */

const OTHER = path.join(__dirname, '..', 'replace-integration', 'other-integration', 'index.ts');
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestLocalSystem({ integrationModule: OTHER });
});
afterAll(async () => {
  await system?.stop();
});

describe('certify with LOCAL_INTEGRATION_MODULE', () => {
  it("compares that module's registration and expects only the calls its mappings make", async () => {
    // Act
    const out = await runCli(
      'npx',
      [
        'tsx',
        'scripts/certify.ts',
        '--endpoint',
        system.invokeUrl,
        '--with-data',
        '--repeat',
        '2',
        '--budget-ms',
        String(GENEROUS_BUDGET_MS),
        '--json',
      ],
      { env: { [LOCAL_ENV.localIntegrationModule]: OTHER }, timeoutMs: 90_000 },
    );

    // Assess
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    const report = JSON.parse(out.stdout) as { checks: { check: string; status: string; detail?: string }[] };
    expect(report.checks).toContainEqual(
      expect.objectContaining({ check: 'registration: same as this checkout', status: 'pass' }),
    );
    // Seven, not eight: the erasure maps to no call in this integration.
    expect(report.checks).toContainEqual(
      expect.objectContaining({ check: 'data: partner received every message', detail: '7 requests delivered' }),
    );
  }, 120_000);
});
