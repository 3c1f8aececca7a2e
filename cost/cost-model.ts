import type { ModelInputs } from './inputs';
import { SQS_BILLING_CHUNK_BYTES, type Prices } from './prices';

/**
 * What a million events and a million membership changes cost in one region: Lambda requests and
 * GB-seconds, SQS requests (batched, billed per 64 KiB chunk), KMS calls (data keys cached per container)
 * and CloudWatch Logs ingestion. Pure arithmetic on ModelInputs and Prices.
 */
export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface CostTable {
  readonly title: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

const MILLION = 1e6;
const GB = 1e9;

/** Durations of one invocation as Lambda would bill them (whole ms), derived from the inputs. */
export interface Durations {
  readonly ingressEventMs: number;
  readonly ingressMembershipMs: number;
  readonly workerBatchMs: number;
}

export function durations(inputs: ModelInputs): Durations {
  const cpu = (ms: number): number => ms * inputs.lambdaCpuSlowdown;
  return {
    // In-line delivery: the handler waits for the partner's answer before it answers mParticle.
    ingressEventMs: Math.ceil(
      cpu(inputs.ingressBaseMs + inputs.ingressPerEventMs * inputs.eventsPerRequest) + inputs.partnerInlineMs,
    ),
    // Membership changes are queued: one SendMessageBatch round trip (batches of a request go in parallel).
    ingressMembershipMs: Math.ceil(
      cpu(inputs.ingressBaseMs + inputs.ingressPerProfileMs * inputs.profilesPerRequest) + inputs.sqsSendMs,
    ),
    // The worker delivers a batch's records in parallel, so a batch lasts about one partner call.
    workerBatchMs: Math.ceil(inputs.workerOverheadMs + inputs.partnerQueuedMs),
  };
}

/** How one membership request travels through the queue. */
export interface QueueShape {
  readonly messagesPerRequest: number;
  readonly messageBytes: number;
  /** SendMessageBatch calls per request (≤ 10 entries each) and the requests SQS bills for them. */
  readonly sendCallsPerRequest: number;
  readonly billedSendsPerRequest: number;
}

export function queueShape(inputs: ModelInputs): QueueShape {
  const payload = inputs.profilesPerRequest * inputs.queueBytesPerProfile;
  const room = inputs.queueMessageMaxBytes - inputs.queueMessageOverheadBytes;
  const messages = Math.max(1, Math.ceil(payload / room));
  const messageBytes = payload / messages + inputs.queueMessageOverheadBytes;
  const calls = Math.ceil(messages / 10);
  // Each call is billed per 64 KiB chunk of its payload, at least one request.
  let billed = 0;
  for (let left = messages; left > 0; left -= 10) billed += chunks(Math.min(10, left) * messageBytes);
  return { messagesPerRequest: messages, messageBytes, sendCallsPerRequest: calls, billedSendsPerRequest: billed };
}

const chunks = (bytes: number): number => Math.max(1, Math.ceil(bytes / SQS_BILLING_CHUNK_BYTES));

function lambdaLines(
  name: string,
  invocations: number,
  billedMs: number,
  inputs: ModelInputs,
  prices: Prices,
): CostLine[] {
  const gbSeconds = invocations * (billedMs / 1000) * (inputs.memoryMb / 1024);
  return [
    {
      item: `${name} Lambda requests`,
      quantity: invocations,
      unit: 'requests',
      usd: invocations * prices.lambdaRequest,
    },
    {
      item: `${name} Lambda duration (${billedMs} ms at ${inputs.memoryMb} MB)`,
      quantity: gbSeconds,
      unit: 'GB-s',
      usd: gbSeconds * prices.lambdaGbSecond,
    },
  ];
}

function table(title: string, lines: CostLine[]): CostTable {
  return { title, lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/**
 * Event batches delivered in-line (the normal path): no message is queued or sealed. Each container readies
 * its spill path once (lambda/delivery/spill-warm-up.ts): one queue read and one data key, a count of
 * containers, not of events, so nothing per million events.
 */
export function costPerMillionEvents(inputs: ModelInputs, prices: Prices): CostTable {
  const requests = MILLION / inputs.eventsPerRequest;
  const { ingressEventMs } = durations(inputs);
  const logBytes = requests * inputs.ingressLogBytes;
  return table(`per million events (${inputs.eventsPerRequest} events per request, delivered in-line)`, [
    ...lambdaLines('ingress', requests, ingressEventMs, inputs, prices),
    {
      item: 'SQS requests (one queue read per container; more only when calls spill)',
      quantity: 0,
      unit: 'requests',
      usd: 0,
    },
    {
      item: 'KMS requests (one data key per container: nothing is sealed in-line)',
      quantity: 0,
      unit: 'requests',
      usd: 0,
    },
    {
      item: `CloudWatch Logs (${inputs.ingressLogBytes} B per invocation)`,
      quantity: logBytes / GB,
      unit: 'GB',
      usd: (logBytes / GB) * prices.logsIngestGb,
    },
  ]);
}

/** KMS calls per second at a steady request rate: one data key per ingress container per key age, one Decrypt of it per worker container. */
export function kmsCallsPerSecond(ingressContainers: number, workerContainers: number, inputs: ModelInputs): number {
  return (ingressContainers + ingressContainers * workerContainers) / inputs.dataKeyMaxAgeSeconds;
}

/** Membership changes: always queued, delivered by the worker. KMS depends on the rate (containers), so it is priced at `changesPerSecond`. */
export function costPerMillionMembershipChanges(
  inputs: ModelInputs,
  prices: Prices,
  changesPerSecond: number,
): CostTable {
  const changesPerRequest = inputs.profilesPerRequest * inputs.audiencesPerProfile;
  const requests = MILLION / changesPerRequest;
  const shape = queueShape(inputs);
  const d = durations(inputs);
  const messages = requests * shape.messagesPerRequest;
  const receiveCalls = Math.ceil(messages / inputs.workerBatchSize);
  const billedReceives = receiveCalls * chunks(Math.min(inputs.workerBatchSize, messages) * shape.messageBytes);
  const sqsRequests = requests * shape.billedSendsPerRequest + billedReceives + receiveCalls;
  const ingressContainers = Math.max(
    1,
    Math.ceil((changesPerSecond / changesPerRequest) * (d.ingressMembershipMs / 1000)),
  );
  const workerContainers = Math.min(
    inputs.workerMaxConcurrency,
    Math.max(
      1,
      Math.ceil(
        (((changesPerSecond / changesPerRequest) * shape.messagesPerRequest) / inputs.workerBatchSize) *
          (d.workerBatchMs / 1000),
      ),
    ),
  );
  const kms = (kmsCallsPerSecond(ingressContainers, workerContainers, inputs) / changesPerSecond) * MILLION;
  const logBytes = requests * inputs.ingressLogBytes + receiveCalls * inputs.workerLogBytes;
  return table(
    `per million membership changes (${inputs.profilesPerRequest} profiles × ${inputs.audiencesPerProfile} audience per request, queued)`,
    [
      ...lambdaLines('ingress', requests, d.ingressMembershipMs, inputs, prices),
      ...lambdaLines('worker', receiveCalls, d.workerBatchMs, inputs, prices),
      {
        item: `SQS requests (${shape.billedSendsPerRequest} billed send(s) per request, receive + delete per ${inputs.workerBatchSize} messages)`,
        quantity: sqsRequests,
        unit: 'requests',
        usd: sqsRequests * prices.sqsRequest,
      },
      {
        item: `KMS requests (data keys cached ${inputs.dataKeyMaxAgeSeconds / 60} min per container, at ${changesPerSecond.toLocaleString('en-US')} changes/s)`,
        quantity: kms,
        unit: 'requests',
        usd: kms * prices.kmsRequest,
      },
      {
        item: `CloudWatch Logs (${inputs.ingressLogBytes} B per ingress, ${inputs.workerLogBytes} B per worker invocation)`,
        quantity: logBytes / GB,
        unit: 'GB',
        usd: (logBytes / GB) * prices.logsIngestGb,
      },
    ],
  );
}
