import { durations, kmsCallsPerSecond, queueShape } from './cost-model';
import type { ModelInputs } from './inputs';

/**
 * What a region needs at a given load, by Little's law (concurrency = arrival rate × duration), and which
 * AWS quota it meets first, with the knob that moves it. Pure arithmetic.
 */
export interface Quotas {
  /** Lambda concurrent executions per account and region (default 1,000). */
  readonly accountConcurrency: number;
  /** Lambda synchronous invocations per second: 10 × the concurrency quota. */
  readonly invokesPerConcurrency: number;
  /** KMS symmetric cryptographic requests per second, shared by the account (us-east-1: 50,000; most regions 5,500). */
  readonly kmsRequestsPerSecond: number;
  /** SQS standard queue: messages in flight (received, not yet deleted). Throughput itself has no quota. */
  readonly sqsInFlight: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  accountConcurrency: 1_000,
  invokesPerConcurrency: 10,
  kmsRequestsPerSecond: 50_000,
  sqsInFlight: 120_000,
};

export interface Limit {
  readonly quota: string;
  /** Load ÷ quota: 1 means at the limit. */
  readonly utilisation: number;
  readonly knob: string;
}

export interface CapacityRow {
  readonly scenario: string;
  readonly ingressRequestsPerSecond: number;
  readonly ingressConcurrency: number;
  readonly workerConcurrency: number;
  readonly sqsRequestsPerSecond: number;
  readonly kmsRequestsPerSecond: number;
  readonly partnerRequestsPerSecond: number;
  /** The quota with the highest utilisation. */
  readonly binding: Limit;
  /** Audience sync only: seconds until the last profile reaches the partner. */
  readonly completesInSeconds?: number;
}

const KNOBS = {
  concurrency: 'ask AWS (Service Quotas, "Concurrent executions") for more; it also raises the invoke rate limit',
  invokeRate:
    'raise "Concurrent executions" (Service Quotas): the invoke rate limit is 10 × it; more events per request also lowers the rate',
  eventSource:
    "DELIVERY_INFRASTRUCTURE.workerMaxConcurrency (the event source's maximum concurrency, up to 1,000) or workerBatchSize; keep under what the partner API accepts",
  kms: 'a KMS quota increase, or a longer data key age (kms-key-source.ts)',
  inFlight:
    'faster partner calls or a higher worker concurrency (messages wait in the queue, not in flight, otherwise)',
} as const;

const worst = (limits: Limit[]): Limit => limits.reduce((a, b) => (b.utilisation > a.utilisation ? b : a));

/** Event batches at a steady rate, delivered in-line. */
export function eventRateCapacity(
  eventsPerSecond: number,
  inputs: ModelInputs,
  quotas: Quotas = DEFAULT_QUOTAS,
): CapacityRow {
  const requests = eventsPerSecond / inputs.eventsPerRequest;
  const concurrency = requests * (durations(inputs).ingressEventMs / 1000);
  const containers = Math.ceil(concurrency);
  // In-line calls seal nothing; a spill would (one data key per container per key age).
  const kms = containers / inputs.dataKeyMaxAgeSeconds;
  return {
    scenario: `${eventsPerSecond.toLocaleString('en-US')} events/s`,
    ingressRequestsPerSecond: requests,
    ingressConcurrency: concurrency,
    workerConcurrency: 0,
    sqsRequestsPerSecond: 0,
    kmsRequestsPerSecond: kms,
    partnerRequestsPerSecond: requests,
    binding: worst([
      {
        quota: `account concurrency (${quotas.accountConcurrency.toLocaleString('en-US')})`,
        utilisation: concurrency / quotas.accountConcurrency,
        knob: KNOBS.concurrency,
      },
      {
        quota: `invoke rate (${(quotas.accountConcurrency * quotas.invokesPerConcurrency).toLocaleString('en-US')}/s)`,
        utilisation: requests / (quotas.accountConcurrency * quotas.invokesPerConcurrency),
        knob: KNOBS.invokeRate,
      },
      {
        quota: `KMS requests (${quotas.kmsRequestsPerSecond.toLocaleString('en-US')}/s)`,
        utilisation: kms / quotas.kmsRequestsPerSecond,
        knob: KNOBS.kms,
      },
    ]),
  };
}

/**
 * An audience sync of `profiles` profiles, arriving at `requestsPerSecond` membership requests per second
 * (mParticle's pace, an assumption). The worker drains at most maxConcurrency × batch / batch duration.
 */
export function audienceSyncCapacity(
  profiles: number,
  requestsPerSecond: number,
  inputs: ModelInputs,
  quotas: Quotas = DEFAULT_QUOTAS,
): CapacityRow {
  const d = durations(inputs);
  const shape = queueShape(inputs);
  const requests = Math.ceil(profiles / inputs.profilesPerRequest);
  const arrivalSeconds = requests / requestsPerSecond;
  const messagesIn = requestsPerSecond * shape.messagesPerRequest;
  const drainPerSecond = (inputs.workerMaxConcurrency * inputs.workerBatchSize) / (d.workerBatchMs / 1000);
  const delivered = Math.min(messagesIn, drainPerSecond);
  const ingressConcurrency = requestsPerSecond * (d.ingressMembershipMs / 1000);
  const workerConcurrency = Math.min(
    inputs.workerMaxConcurrency,
    (delivered / inputs.workerBatchSize) * (d.workerBatchMs / 1000),
  );
  const totalMessages = requests * shape.messagesPerRequest;
  const kms = kmsCallsPerSecond(Math.ceil(ingressConcurrency), Math.ceil(workerConcurrency), inputs);
  const sqs = requestsPerSecond * shape.sendCallsPerRequest + 2 * (delivered / inputs.workerBatchSize);
  return {
    scenario: `${profiles.toLocaleString('en-US')}-profile audience sync (${requestsPerSecond.toLocaleString('en-US')} requests/s of ${inputs.profilesPerRequest} profiles)`,
    ingressRequestsPerSecond: requestsPerSecond,
    ingressConcurrency,
    workerConcurrency,
    sqsRequestsPerSecond: sqs,
    kmsRequestsPerSecond: kms,
    partnerRequestsPerSecond: delivered,
    completesInSeconds: Math.max(arrivalSeconds, totalMessages / drainPerSecond),
    binding: worst([
      {
        quota: `account concurrency (${quotas.accountConcurrency.toLocaleString('en-US')})`,
        utilisation: (ingressConcurrency + workerConcurrency) / quotas.accountConcurrency,
        knob: KNOBS.concurrency,
      },
      {
        quota: `event source maximum concurrency (${inputs.workerMaxConcurrency})`,
        utilisation: messagesIn / drainPerSecond,
        knob: KNOBS.eventSource,
      },
      {
        quota: `KMS requests (${quotas.kmsRequestsPerSecond.toLocaleString('en-US')}/s)`,
        utilisation: kms / quotas.kmsRequestsPerSecond,
        knob: KNOBS.kms,
      },
      {
        quota: `SQS messages in flight (${quotas.sqsInFlight.toLocaleString('en-US')})`,
        utilisation: (workerConcurrency * inputs.workerBatchSize) / quotas.sqsInFlight,
        knob: KNOBS.inFlight,
      },
    ]),
  };
}
