import type { Logger } from '@aws-lambda-powertools/logger';
import { requestCaptureFromEnv } from '../capture/capture-config';
import type { PartnerIntegration } from '../core/partner-integration';
import type { ProcessResult } from '../core/process-request';
import { createCoreDependencies } from '../delivery/create-delivery';
import { integration as defaultIntegration } from '../integration';
import type { IngressObserver } from '../observability/metrics';
import { createIngressRuntime, type IngressRuntime } from './ingress-runtime';
import type { Env } from '../config/env-readers';

/**
 * The one place an ingress-kind function (the Lambda ingress, the HTTP variant, the CLI, `npm start`, the
 * bench and the test systems) is put together from its environment: delivery or dry run, the opt-in
 * request capture, the pipeline and its observer. Built once per container.
 */
export interface IngressFunction {
  handle(input: unknown): Promise<ProcessResult>;
  readonly runtime: IngressRuntime;
  /** Said once at start-up, e.g. "dry run: calls are logged, not sent". */
  readonly description: string;
  /** Loads what a spill needs (the SQS client, the sealing data key) ahead of the first call; no-op in a dry run. */
  prepare(): Promise<void>;
  /** Resolves when background writes (captures) started by earlier answers have ended. */
  settled(): Promise<void>;
  /** Writes what is buffered and closes idle sockets and clients, so a CLI or test exits promptly. */
  close(): Promise<void>;
}

export interface IngressFunctionOptions {
  readonly env: Env;
  readonly logger: Logger;
  /** The name the function logs and captures under (`firehose-ingress`, `firehose-http`). */
  readonly service: string;
  readonly observer?: IngressObserver;
  readonly integration?: PartnerIntegration;
  /** The in-line deadline, when not INLINE_DEADLINE_MS's (the HTTP function has its own). */
  readonly inlineDeadlineMs?: number;
}

export function createIngressFunction(options: IngressFunctionOptions): IngressFunction {
  const integration = options.integration ?? defaultIntegration;
  const dependencies = createCoreDependencies(
    integration,
    options.env,
    options.logger,
    options.inlineDeadlineMs === undefined ? {} : { inlineDeadlineMs: options.inlineDeadlineMs },
  );
  const capture = requestCaptureFromEnv(options.env, integration, options.service, options.logger);
  const runtime = createIngressRuntime(
    capture ? { ...dependencies, delivery: capture.observe(dependencies.delivery) } : dependencies,
    options.logger,
    options.observer,
  );
  const handle = capture ? capture.wrap((input) => runtime.handle(input)) : (input: unknown) => runtime.handle(input);
  return {
    handle,
    runtime,
    description: dependencies.delivery.description,
    prepare: async () => dependencies.parts?.prepare(),
    settled: async () => capture?.settled(),
    async close() {
      await capture?.flush();
      dependencies.parts?.close();
    },
  };
}
