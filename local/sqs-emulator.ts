import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import net from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import type * as Fauxqs from 'fauxqs';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { importEsm } from './import-esm';
import { PLATFORM_ENV } from '../lambda/config/environment';
import { startStrictProxy, type StrictProxy, type StrictRefusal } from './strict-aws-proxy';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';

/**
 * A real SQS API on loopback (fauxqs), driven with the real @aws-sdk/client-sqs, with the delivery queue and
 * its dead-letter queue set up as the CDK stack sets them up (redrive count, visibility timeout), and the
 * S3 side of the same emulator holding the claim-check bucket (same endpoint, path-style addressing).
 * Clients reach it only through the strict layer (local/strict-aws-proxy.ts): what SQS or S3 refuses and
 * fauxqs would accept is refused with the service's own error code.
 */

// Dummy credentials and region for the SDK; nothing leaves this machine.
process.env[PLATFORM_ENV.awsRegion] ??= 'us-east-1';
process.env[PLATFORM_ENV.awsAccessKeyId] ??= 'test';
process.env[PLATFORM_ENV.awsSecretAccessKey] ??= 'test';

export interface SqsEmulator {
  /** The strict layer's address: the one endpoint clients use (SQS and S3). */
  readonly endpoint: string;
  /** What the strict layer refused so far (SQS requests and batch entries, S3 requests). */
  readonly refusals: StrictProxy['refusals'];
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  /** Both queues' MaximumMessageSize, as the construct sets it (DELIVERY_ENV.queueMessageMaxBytes follows it). */
  readonly maxMessageBytes: number;
  /** The claim-check bucket, served on `endpoint` too (LOCAL_ENV.s3Endpoint). */
  readonly bucketName: string;
  readonly s3: S3Client;
  /** Keys of the objects in the claim-check bucket. */
  objects(): Promise<string[]>;
  /** The text of one object in the claim-check bucket. */
  objectText(key: string): Promise<string>;
  /** Non-destructive look at every message in a queue (ready, delayed and in flight). */
  peek(queue: 'delivery' | 'dead-letter'): { body: string; attributes: Record<string, string> }[];
  stop(): Promise<void>;
}

export const LOCAL_QUEUE_NAMES = { delivery: 'firehose-delivery', deadLetter: 'firehose-delivery-dlq' } as const;
export const LOCAL_BUCKET_NAME = 'firehose-claim-checks';

export async function startSqsEmulator(
  options: {
    port?: number;
    host?: string;
    maxReceiveCount?: number;
    visibilityTimeout?: number;
    /** @default DELIVERY_DEFAULTS.queueMessageMaxBytes (SQS's 1 MiB) */
    maxMessageBytes?: number;
    /** Told of each request the strict layer refuses. */
    onRefusal?: (refusal: StrictRefusal) => void;
  } = {},
): Promise<SqsEmulator> {
  const { startFauxqs } = await importEsm<typeof Fauxqs>('fauxqs');
  const host = options.host ?? '127.0.0.1';
  // fauxqs on a free loopback port, reached only through the strict layer on the port asked for.
  const server = await listeningOn('127.0.0.1', () => startFauxqs({ port: 0, host: '127.0.0.1', logger: false }));
  const proxy = await startStrictProxy({
    upstream: `http://127.0.0.1:${server.port}`,
    host,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.onRefusal ? { onRefusal: options.onRefusal } : {}),
  });
  const endpoint = proxy.url;
  const maxMessageBytes = options.maxMessageBytes ?? DELIVERY_DEFAULTS.queueMessageMaxBytes;
  const dlq = server.createQueue(LOCAL_QUEUE_NAMES.deadLetter, {
    attributes: { MaximumMessageSize: String(maxMessageBytes) },
  });
  const queue = server.createQueue(LOCAL_QUEUE_NAMES.delivery, {
    attributes: {
      MaximumMessageSize: String(maxMessageBytes),
      VisibilityTimeout: String(options.visibilityTimeout ?? 6 * DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: options.maxReceiveCount ?? DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount,
      }),
    },
  });
  const { bucketName } = server.createBucket(LOCAL_BUCKET_NAME);
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
  return {
    endpoint,
    refusals: proxy.refusals,
    sqs,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    deadLetterQueueUrl: dlq.queueUrl,
    deadLetterQueueArn: dlq.queueArn,
    maxMessageBytes,
    bucketName,
    s3,
    async objects() {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucketName }));
      return (out.Contents ?? []).map((o) => o.Key ?? '');
    },
    async objectText(key) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
      return (await out.Body?.transformToString('utf-8')) ?? '';
    },
    peek(which) {
      const state = server.inspectQueue(which === 'delivery' ? queue.queueName : dlq.queueName);
      if (!state) return [];
      const all = [
        ...state.messages.ready,
        ...state.messages.delayed,
        ...state.messages.inflight.map((e) => e.message),
      ];
      return all.map((m) => ({
        body: m.body,
        attributes: Object.fromEntries(
          Object.entries(m.messageAttributes).map(([k, v]) => [k, String(v.StringValue ?? '')]),
        ),
      }));
    },
    async stop() {
      sqs.destroy();
      s3.destroy();
      await proxy.close();
      await server.stop();
    },
  };
}

/**
 * fauxqs 1.x always listens on 0.0.0.0 (its `host` option only names the host in queue URLs), which would let
 * anyone on the network read or inject queue messages. While it starts, a listen on 0.0.0.0 is turned into
 * a listen on `host`; no other listen is touched.
 */
async function listeningOn<T>(host: string, start: () => Promise<T>): Promise<T> {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    const first = args[0];
    if (typeof first === 'object' && first !== null && (first as net.ListenOptions).host === '0.0.0.0')
      args[0] = { ...first, host };
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    net.Server.prototype.listen = listen;
  }
}
