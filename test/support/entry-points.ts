import { afterAll, vi } from 'vitest';
import { ENV } from '../../lambda/delivery/defaults';
import { TOKEN_ENV } from '../../lambda/http/token-source';
import { PLATFORM_ENV } from '../../lambda/config/environment';
import type { SqsEmulator } from '../../local/sqs-emulator';

/**
 * The deployed Lambda entry points (lambda/handlers/*.ts) loaded as Lambda loads them: a fresh module graph
 * whose module scope runs with the given environment. Each call replaces process.env for the rest of the
 * file (the SDK clients read credentials and region from it lazily); the original is restored afterwards.
 */
export function useEntryPoints(): <T>(modulePath: string, env: Record<string, string>) => Promise<T> {
  const original = { ...process.env };
  afterAll(() => {
    process.env = original;
  });
  return async <T>(modulePath: string, env: Record<string, string>): Promise<T> => {
    process.env = { ...original, ...LAMBDA_LIKE_ENV, ...env };
    for (const name of WITHOUT) if (!(name in env)) delete process.env[name];
    vi.resetModules();
    return (await import(modulePath)) as T;
  };
}

/** What Lambda sets for every function (the parts the kit reads), with dummy credentials for the emulators. */
const LAMBDA_LIKE_ENV: Record<string, string> = {
  [ENV.lambdaFunctionName]: 'firehose-test',
  [PLATFORM_ENV.awsRegion]: 'us-east-1',
  [PLATFORM_ENV.awsAccessKeyId]: 'local',
  [PLATFORM_ENV.awsSecretAccessKey]: 'local',
  [ENV.logLevel]: 'SILENT',
  [ENV.metricsDisabled]: 'true',
};

/** Settings a developer's shell may hold that would change what the entry point does: unset unless given. */
const WITHOUT = [...Object.values(ENV).filter((name) => name !== ENV.lambdaFunctionName), ...Object.values(TOKEN_ENV)];

/** The delivery settings of a function wired to a local SQS emulator and partner. */
export function deliveryEnvFor(sqs: SqsEmulator, partner: { readonly url: string }): Record<string, string> {
  return {
    [ENV.partnerApiUrl]: partner.url,
    [ENV.deliveryQueueUrl]: sqs.queueUrl,
    [ENV.deadLetterQueueUrl]: sqs.deadLetterQueueUrl,
    [ENV.sqsEndpoint]: sqs.endpoint,
  };
}
