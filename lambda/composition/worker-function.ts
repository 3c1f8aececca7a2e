import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import { createWorkerDependencies } from '../delivery/create-worker';
import type { WorkerDependencies } from '../delivery/delivery-worker';
import { createWorkerBatchHandler, type SqsBatchHandler } from '../delivery/worker-batch';
import { integration as defaultIntegration } from '../integration';
import type { WorkerObserver } from '../observability/metrics';
import type { Env } from '../config/env-readers';

/**
 * The one place the queue worker is put together from its environment (the Lambda handler, `npm start`,
 * the test systems): partner, queues, sealing, breaker, rate limit, policy and the batch handler.
 */
export interface WorkerFunction {
  readonly handleBatch: SqsBatchHandler;
  /** Ends keep-alive sockets and the SQS client, so a CLI, a reload or a test exits promptly. */
  close(): void;
}

export interface WorkerFunctionOptions {
  readonly env: Env;
  readonly logger: Logger;
  readonly observer?: WorkerObserver;
  readonly integration?: PartnerIntegration;
  /** Tests only: adjust the dependencies (e.g. a clock) before the handler is built. */
  readonly adjust?: (dependencies: WorkerDependencies) => WorkerDependencies;
}

export function createWorkerFunction(options: WorkerFunctionOptions): WorkerFunction {
  const { close, ...dependencies } = createWorkerDependencies(
    options.integration ?? defaultIntegration,
    options.env,
    options.logger,
  );
  const observed = options.observer ? { ...dependencies, observer: options.observer } : dependencies;
  return { handleBatch: createWorkerBatchHandler(options.adjust ? options.adjust(observed) : observed), close };
}
