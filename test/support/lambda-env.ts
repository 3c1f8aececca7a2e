import { FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

/**
 * Environments for the kit's functions run on this machine as Lambda runs them (no vitest here: the benches
 * use it too).
 */

/** What Lambda sets for every function (the parts the kit reads), with dummy credentials for the emulators; quiet. */
export const LAMBDA_LIKE_ENV: Readonly<Record<string, string>> = {
  [PLATFORM_ENV.lambdaFunctionName]: 'firehose-test',
  [PLATFORM_ENV.awsRegion]: 'us-east-1',
  [PLATFORM_ENV.awsAccessKeyId]: 'local',
  [PLATFORM_ENV.awsSecretAccessKey]: 'local',
  [FUNCTION_ENV.logLevel]: 'SILENT',
  [PLATFORM_ENV.metricsDisabled]: 'true',
};

/**
 * An in-line deadline no in-line call reaches on a busy machine (300 KB items included): for tests about where a
 * call ends up, not how fast. Tests about the deadline set their own (the production one is 100 ms).
 */
export const GENEROUS_INLINE_DEADLINE_MS = 10_000;

/** A KMS key ARN of the right shape for tests that seal with KMS (a fake client or a stand-in answers). */
export const TEST_KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/0b7a3c1e-5d2f-4e8a-9c6b-1f2e3d4c5b6a';
