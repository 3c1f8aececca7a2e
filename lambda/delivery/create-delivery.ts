import type { Logger } from '@aws-lambda-powertools/logger';
import type { CoreDependencies } from '../core/process-request';
import type { PartnerIntegration } from '../core/partner-integration';
import { createDryRunPort } from './dry-run-port';
import { DELIVERY_DEFAULTS, ENV } from './defaults';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the delivery settings from the environment and builds the core's dependencies once. */
export function createCoreDependencies(integration: PartnerIntegration, env: Env, logger: Logger): CoreDependencies {
  return {
    integration,
    delivery: createDryRunPort(logger),
    maxMessageBytes: positiveInt(env, ENV.queueMessageMaxBytes, DELIVERY_DEFAULTS.queueMessageMaxBytes),
    suspendOnAuthFailure: env[ENV.suspendOnAuthFailure]?.toLowerCase() !== 'false',
  };
}

export function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}
