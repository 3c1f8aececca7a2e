import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { WorkerDependencies } from '../../lambda/delivery/delivery-worker';
import { createLogger } from '../../lambda/observability/logger';
import { createIngressFunction, type IngressFunction } from '../../lambda/composition/ingress-function';
import { createWorkerFunction } from '../../lambda/composition/worker-function';
import { pollOnce } from '../../local/worker-runner';
import { startPartnerServer, type PartnerServer } from '../../local/partner-api-stand-in';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { emulatorDeliveryEnv } from '../../local/local-function-env';
import { GENEROUS_INLINE_DEADLINE_MS } from './lambda-env';
import { TEST_QUEUE_MESSAGE_BYTES } from './large-payloads';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * The whole delivery path on loopback: the real ingress pipeline and worker code, a real SQS API (fauxqs)
 * and a real HTTP partner. Log lines are captured (not printed) so tests can search them.
 */
export interface DeliverySystem {
  readonly sqs: SqsEmulator;
  readonly partner: PartnerServer;
  readonly ingress: IngressFunction;
  readonly env: Record<string, string>;
  readonly logLines: string[];
  /** Runs the worker until the queue is empty (in flight included) or the time is up. */
  drain(timeoutMs?: number): Promise<void>;
  deadLetters(): Promise<{ body: string; attributes: Record<string, string> }[]>;
  queueDepth(): Promise<{ visible: number; inFlight: number }>;
  stop(): Promise<void>;
}

export function capturingLogger(service: string, lines: string[]): Logger {
  // The production logger (and so its redaction), with its output captured instead of printed.
  const logger = createLogger(service, 'DEBUG');
  // Powertools writes through its own console: capture what it would print.
  const sink = (...args: unknown[]): void => void lines.push(args.map(String).join(' '));
  (logger as unknown as { console: Record<string, unknown> }).console = {
    log: sink,
    info: sink,
    warn: sink,
    error: sink,
    debug: sink,
    trace: sink,
  };
  return logger;
}

export async function startDeliverySystem(
  overrides: Record<string, string> = {},
  options: {
    readonly worker?: (deps: WorkerDependencies) => WorkerDependencies;
    /** The delivery queue's redrive count in the emulator; @default the stack's */
    readonly maxReceiveCount?: number;
    /** Both queues' message size limit. @default TEST_QUEUE_MESSAGE_BYTES */
    readonly queueMessageMaxBytes?: number;
  } = {},
): Promise<DeliverySystem> {
  const sqs = await startSqsEmulator({
    maxMessageBytes: options.queueMessageMaxBytes ?? TEST_QUEUE_MESSAGE_BYTES,
    ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
  });
  const partner = await startPartnerServer();
  const env: Record<string, string> = {
    ...emulatorDeliveryEnv(sqs, partner.url),
    [DELIVERY_ENV.localSealingKey]: randomBytes(32).toString('base64'),
    // In-line calls finish in-line even on two busy cores; a test about the deadline sets its own.
    [DELIVERY_ENV.inlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
    // Time-compressed retry policy: the worker waits 1 s (SQS's least) between tries of a message.
    [DELIVERY_ENV.backoffBaseMs]: '200',
    [DELIVERY_ENV.backoffMaxMs]: '1000',
    [DELIVERY_ENV.holdMaxMs]: '1000',
    ...overrides,
  };
  const logLines: string[] = [];
  const ingressLogger = capturingLogger('firehose-ingress', logLines);
  // Each function built by its one composition root, as the handlers build it.
  const ingress = createIngressFunction({ env, logger: ingressLogger, service: 'firehose-ingress' });
  const worker = createWorkerFunction({
    env,
    logger: capturingLogger('firehose-worker', logLines),
    ...(options.worker ? { adjust: options.worker } : {}),
  });
  const runner = { sqs: sqs.sqs, queueUrl: sqs.queueUrl, handler: worker.handleBatch, waitSeconds: 0 };

  const queueDepth = async () => {
    const out = await sqs.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: sqs.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const a = out.Attributes ?? {};
    return {
      visible: Number(a['ApproximateNumberOfMessages'] ?? 0),
      inFlight:
        Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0) + Number(a['ApproximateNumberOfMessagesDelayed'] ?? 0),
    };
  };

  return {
    sqs,
    partner,
    ingress,
    env,
    logLines,
    queueDepth,
    async drain(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const handled = await pollOnce(runner);
        if (handled > 0) continue;
        const depth = await queueDepth();
        if (depth.visible === 0 && depth.inFlight === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`queue not drained within ${timeoutMs} ms: ${JSON.stringify(await queueDepth())}`);
    },
    async deadLetters() {
      return sqs.peek('dead-letter');
    },
    async stop() {
      await ingress.close();
      worker.close();
      await sqs.sqs.send(new PurgeQueueCommand({ QueueUrl: sqs.queueUrl })).catch(() => undefined);
      await partner.stop();
      await sqs.stop();
    },
  };
}
