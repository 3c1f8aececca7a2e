import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, vi } from 'vitest';
import type { FunctionUrlHandler } from '../../lambda/http';
import { startPartnerServer, type PartnerServer } from '../../local/partner-api-stand-in';
import { emulatorDeliveryEnv } from '../../local/local-function-env';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { LAMBDA_LIKE_ENV } from './lambda-env';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV, PLATFORM_ENV, TOKEN_ENV } from '../../lambda/config/environment';

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

/** Settings a developer's shell may hold that would change what the entry point does: unset unless given. */
const WITHOUT = [
  ...Object.values(DELIVERY_ENV),
  ...Object.values(FUNCTION_ENV),
  ...Object.values(LOCAL_ENV),
  ...Object.values(TOKEN_ENV),
  // Lambda's own names and the SDK's KMS endpoint, not the shell's region, credentials or PATH.
  ...Object.entries(PLATFORM_ENV)
    .filter(([key]) => key.startsWith('lambda') || key === 'metricsDisabled' || key === 'kmsEndpoint')
    .map(([, name]) => name),
].filter((name) => !(name in LAMBDA_LIKE_ENV));

export type IngressHandler = (event: unknown) => Promise<Record<string, unknown>>;
export type WorkerHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
interface HandlerOf {
  readonly ingress: IngressHandler;
  readonly worker: WorkerHandler;
  readonly http: FunctionUrlHandler;
}
export type EntryPointKind = keyof HandlerOf;

export interface DeliveryEntryPoints {
  /** Started before the file's tests, stopped after them. */
  readonly sqs: SqsEmulator;
  readonly partner: PartnerServer;
  /** emulatorDeliveryEnv(sqs, partner.url): what a function needs to deliver through them. */
  deliveryEnv(): Record<string, string>;
  /** The handler of lambda/handlers/<kind>.ts, loaded fresh with `env` (give deliveryEnv() in it to deliver). */
  load<K extends EntryPointKind>(kind: K, env: Record<string, string>): Promise<HandlerOf[K]>;
}

/** The entry points of a test file, delivering to a real SQS API (fauxqs) and a node:http partner on loopback. */
export function useDeliveryEntryPoints(): DeliveryEntryPoints {
  const load = useEntryPoints();
  let sqs: SqsEmulator | undefined;
  let partner: PartnerServer | undefined;
  beforeAll(async () => {
    sqs = await startSqsEmulator();
    partner = await startPartnerServer();
  });
  afterAll(async () => {
    await partner?.stop();
    await sqs?.stop();
  });
  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('the loopback parts start in beforeAll: use them inside hooks and tests');
    return part;
  };
  return {
    get sqs() {
      return started(sqs);
    },
    get partner() {
      return started(partner);
    },
    deliveryEnv: () => emulatorDeliveryEnv(started(sqs), started(partner).url),
    async load(kind, env) {
      return (await load<{ handler: HandlerOf[typeof kind] }>(`../../lambda/handlers/${kind}`, env)).handler;
    },
  };
}
