import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';

/**
 * What the cost and capacity models start from. Durations come from `npm run bench` (bench/results.json)
 * when it has run; everything else is a documented assumption, named here so a partner can change it.
 */
export interface ModelInputs {
  /** Lambda memory: mParticle asks for 1,024 MB. */
  readonly memoryMb: number;
  /** Events in one event_processing_request (mParticle sends one batch per user upload). */
  readonly eventsPerRequest: number;
  /** Profiles in one audience_membership_change_request, and audiences changed per profile. */
  readonly profilesPerRequest: number;
  readonly audiencesPerProfile: number;
  /** The ingress's own work (parse, map, serialize) on this machine: fixed part and per event / per profile, ms. */
  readonly ingressBaseMs: number;
  readonly ingressPerEventMs: number;
  readonly ingressPerProfileMs: number;
  /**
   * Lambda at 1,024 MB gets 1024/1769 of a vCPU; code timed on a full core runs this many times slower there.
   * (Lambda allots one full vCPU at 1,769 MB.)
   */
  readonly lambdaCpuSlowdown: number;
  /** The partner API's answer time for an in-line event call, and for a queued (bulk) call, ms. */
  readonly partnerInlineMs: number;
  readonly partnerQueuedMs: number;
  /** One SendMessageBatch round trip inside the region, ms. */
  readonly sqsSendMs: number;
  /** Worker time per batch besides waiting for the partner (receive, open sealed key from cache, log), ms. */
  readonly workerOverheadMs: number;
  /** Bytes of one profile in a queue message (mapped call plus its share of the envelope). */
  readonly queueBytesPerProfile: number;
  /** Fixed bytes of a queue message (sealed settings, headers, idempotency key). */
  readonly queueMessageOverheadBytes: number;
  readonly queueMessageMaxBytes: number;
  readonly workerBatchSize: number;
  readonly workerMaxConcurrency: number;
  /** CloudWatch Logs bytes per invocation at the default level (INFO): the kit's lines, metrics (EMF) and Lambda's START/END/REPORT. */
  readonly ingressLogBytes: number;
  readonly workerLogBytes: number;
  /** How long a container reuses one KMS data key (lambda/delivery/kms-key-source.ts). */
  readonly dataKeyMaxAgeSeconds: number;
  /** Where the figures came from, for the report. */
  readonly source: string;
}

export const DEFAULT_INPUTS: ModelInputs = {
  memoryMb: 1024,
  eventsPerRequest: 10,
  profilesPerRequest: 100,
  audiencesPerProfile: 1,
  // Defaults from the 2026-11-23 bench run (README "Performance"): 1 event 0.48 ms, 100 events 0.89 ms, 5,000 profiles 70.8 ms stubbed.
  ingressBaseMs: 0.476,
  ingressPerEventMs: 0.00414,
  ingressPerProfileMs: 0.0142,
  lambdaCpuSlowdown: 1769 / 1024,
  partnerInlineMs: 30,
  partnerQueuedMs: 100,
  sqsSendMs: 20,
  workerOverheadMs: 5,
  queueBytesPerProfile: 420,
  queueMessageOverheadBytes: 1_200,
  queueMessageMaxBytes: DELIVERY_DEFAULTS.queueMessageMaxBytes,
  workerBatchSize: DELIVERY_INFRASTRUCTURE.workerBatchSize,
  workerMaxConcurrency: DELIVERY_INFRASTRUCTURE.workerMaxConcurrency,
  ingressLogBytes: 1_400,
  workerLogBytes: 1_300,
  dataKeyMaxAgeSeconds: 15 * 60,
  source: 'documented defaults (bench run of 2026-11-23)',
};

interface BenchRow {
  readonly case?: unknown;
  readonly mode?: unknown;
  readonly medianMs?: unknown;
}

/** The handler durations of a bench/results.json, when it holds the cases the model needs. */
export function inputsFromBenchResults(results: unknown, base: ModelInputs = DEFAULT_INPUTS): ModelInputs {
  const rows = (
    typeof results === 'object' && results !== null ? (results as { handler?: unknown }).handler : undefined
  ) as BenchRow[] | undefined;
  const median = (name: string, mode: string): number | undefined => {
    const value = rows?.find((r) => r.case === name && r.mode === mode)?.medianMs;
    return typeof value === 'number' && value > 0 ? value : undefined;
  };
  const one = median('1 event', 'loopback');
  const hundred = median('100 events', 'loopback');
  const profiles = median('5,000 profiles', 'stubbed');
  if (one === undefined || hundred === undefined || profiles === undefined) return base;
  const perEvent = Math.max(0, (hundred - one) / 99);
  const date = (results as { date?: unknown }).date;
  return {
    ...base,
    ingressBaseMs: one - perEvent,
    ingressPerEventMs: perEvent,
    ingressPerProfileMs: profiles / 5_000,
    source: `bench/results.json${typeof date === 'string' ? ` of ${date.slice(0, 10)}` : ''}`,
  };
}
