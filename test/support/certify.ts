import type { CertifyArgs, CertifyTargetArgs } from '../../certify/cli-args';
import { localLambdaApi } from '../../certify/lambda-api';
import type { CertifyDependencies } from '../../certify/run';
import type { CheckResult } from '../../certify/types';
import { integration } from './kit-integration';

/** Factories for `npm run certify` tests: arguments and dependencies, overridable one by one. */

/**
 * Tests that expect a pass use a generous latency budget: the machine is shared, and the
 * budget checks have their own tests with an endpoint that is slow by construction.
 */
export const GENEROUS_BUDGET_MS = 5_000;

export function certifyArgs(target: CertifyTargetArgs, overrides: Partial<CertifyArgs> = {}): CertifyArgs {
  return {
    target,
    withData: false,
    repeat: 3,
    json: false,
    statusUrl: undefined,
    settingsEnv: undefined,
    help: false,
    ...overrides,
  };
}

export const localTarget = (endpoint: string): CertifyTargetArgs => ({
  kind: 'local',
  endpoint,
  functionName: 'firehose-ingress',
});

export function certifyDeps(overrides: Partial<CertifyDependencies> = {}): CertifyDependencies {
  return {
    awsLambda: () => {
      throw new Error('no AWS in tests: inject awsLambda');
    },
    localLambda: (endpoint) => localLambdaApi(endpoint, 'us-east-1'),
    env: {},
    readFile: () => {
      throw new Error('no file in this test');
    },
    integration,
    ...overrides,
  };
}

export const failures = (results: readonly CheckResult[]): CheckResult[] => results.filter((r) => r.status === 'fail');

export function row(results: readonly CheckResult[], check: string, region?: string): CheckResult {
  const found = results.find((r) => r.check.startsWith(check) && (region === undefined || r.region === region));
  if (!found) throw new Error(`no "${check}" row in ${results.map((r) => r.check).join(', ')}`);
  return found;
}
