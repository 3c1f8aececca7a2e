/**
 * `npm run bench`, last step (or alone: `npx tsx bench/cost.ts`): the cost table and the capacity model
 * (cost/), from the handler durations in bench/results.json and from log and queue sizes measured here.
 * Prints both; with --update also writes docs/capacity.md (bench/capacity-intro.md around the tables).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { audienceSyncCapacity, DEFAULT_QUOTAS, eventRateCapacity } from '../cost/capacity-model';
import { costPerMillionEvents, costPerMillionMembershipChanges, durations, queueShape } from '../cost/cost-model';
import { capacityTableMarkdown, costTableMarkdown, inputsMarkdown, pricesMarkdown } from '../cost/format';
import { DEFAULT_INPUTS, inputsFromBenchResults, type ModelInputs } from '../cost/inputs';
import { PRICES_US_EAST_1_ARM64 } from '../cost/prices';
import { parseFirehoseRequest, type AudienceMembershipChangeRequest } from '../lambda/firehose';
import { integration } from '../lambda/integration';
import { createLogger } from '../lambda/observability/logger';
import { createMetrics, ingressMetrics, workerMetrics } from '../lambda/observability/metrics';
import { createIngressRuntime } from '../lambda/composition/ingress-runtime';
import { customEvents, eventBatch, membershipChange, profiles } from '../test/support/factories';
import { recordingPort } from '../test/support/recording-port';

const ROOT = path.join(__dirname, '..');

/** Bytes written to stdout while `fn` runs (Powertools writes log lines and EMF metrics there). */
async function stdoutBytes(fn: () => Promise<void>): Promise<number> {
  const original = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return bytes;
}

function lambdaContext(name: string): Context {
  return {
    functionName: name,
    functionVersion: '3',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}:live`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/30/[3]0123456789abcdef0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 9_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Lambda's own START, END and REPORT lines for one invocation (text format). */
function platformBytes(): number {
  const id = randomUUID();
  return Buffer.byteLength(
    `START RequestId: ${id} Version: 3\nEND RequestId: ${id}\nREPORT RequestId: ${id}\tDuration: 31.52 ms\tBilled Duration: 32 ms\tMemory Size: 1024 MB\tMax Memory Used: 96 MB\t\n`,
  );
}

/** Log bytes of one ingress invocation (a 10-event batch) and one worker batch of 10, at INFO. */
async function measureLogBytes(runs = 20): Promise<{ ingress: number; worker: number }> {
  const ingressLogger = createLogger('firehose-ingress', 'INFO');
  const ingressMetricsSink = createMetrics('firehose-ingress');
  const runtime = createIngressRuntime(
    { integration, delivery: recordingPort().port, maxMessageBytes: 256 * 1024, suspendOnAuthFailure: true },
    ingressLogger,
    ingressMetrics(ingressMetricsSink),
  );
  const text = JSON.stringify(eventBatch(customEvents(10)));
  ingressLogger.addContext(lambdaContext('firehose-ingress'));
  const ingress = await stdoutBytes(async () => {
    for (let i = 0; i < runs; i++) {
      await runtime.handle(text);
      ingressMetricsSink.publishStoredMetrics();
    }
  });
  const workerLogger = createLogger('firehose-worker', 'INFO');
  workerLogger.addContext(lambdaContext('firehose-worker'));
  const workerMetricsSink = createMetrics('firehose-worker');
  const observer = workerMetrics(workerMetricsSink);
  const worker = await stdoutBytes(async () => {
    for (let i = 0; i < runs; i++) {
      for (let r = 0; r < 10; r++) observer.delivered(200, 95);
      workerLogger.info('batch handled', { records: 10, delivered: 10, parked: 0, retrying: 0, durationMs: 105 });
      workerMetricsSink.publishStoredMetrics();
    }
  });
  return { ingress: Math.round(ingress / runs + platformBytes()), worker: Math.round(worker / runs + platformBytes()) };
}

/** Bytes per profile of the partner call a membership change becomes (what a queue message carries). */
function measureQueueBytesPerProfile(count = 100): number {
  const request = parseFirehoseRequest(membershipChange(profiles(count))).request as AudienceMembershipChangeRequest;
  const call = integration.mapAudienceMembership(request);
  return Math.round(Buffer.byteLength(JSON.stringify(call?.body ?? {})) / count);
}

/** Prints the cost table and capacity model; `writeDoc` also refreshes docs/capacity.md (the committed copy). */
export async function runCostStep(benchResults?: unknown, options: { writeDoc?: boolean } = {}): Promise<ModelInputs> {
  const resultsFile = path.join(ROOT, 'bench', 'results.json');
  const results =
    benchResults ?? (existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as unknown) : undefined);
  const logs = await measureLogBytes();
  const inputs: ModelInputs = {
    ...inputsFromBenchResults(results, DEFAULT_INPUTS),
    ingressLogBytes: logs.ingress,
    workerLogBytes: logs.worker,
    queueBytesPerProfile: measureQueueBytesPerProfile(),
  };
  const prices = PRICES_US_EAST_1_ARM64;
  const d = durations(inputs);
  const shape = queueShape(inputs);
  const capacity = [
    ...[1_000, 10_000, 100_000].map((rate) => eventRateCapacity(rate, inputs, DEFAULT_QUOTAS)),
    audienceSyncCapacity(1_000_000, 50, inputs, DEFAULT_QUOTAS),
    audienceSyncCapacity(1_000_000, 1_000, inputs, DEFAULT_QUOTAS),
  ];
  const costs = [costPerMillionEvents(inputs, prices), costPerMillionMembershipChanges(inputs, prices, 1_000)];
  const body = [
    ...costs.map(costTableMarkdown).flatMap((t) => [t, '']),
    pricesMarkdown(prices),
    '',
    inputsMarkdown(inputs, d, shape),
    '',
    "**Capacity model** (Little's law: concurrency = arrival rate × duration)",
    '',
    capacityTableMarkdown(capacity, DEFAULT_QUOTAS),
  ].join('\n');
  console.log(`\n${body}\n`);
  if (options.writeDoc) {
    writeCapacityDoc(body, new Date().toISOString().slice(0, 10));
    console.log('wrote docs/capacity.md');
  }
  return inputs;
}

function writeCapacityDoc(tables: string, date: string): void {
  const template = readFileSync(path.join(__dirname, 'capacity-intro.md'), 'utf8');
  writeFileSync(path.join(ROOT, 'docs', 'capacity.md'), capacityDoc(template, tables, date));
}

/**
 * docs/capacity.md from its template (bench/capacity-intro.md): the generated tables go where it says
 * `{{tables}}` (at the end when it does not), so the hand-written sections after them survive an update.
 */
export function capacityDoc(template: string, tables: string, date: string): string {
  const [before = '', after] = template.replace('{{date}}', date).split('{{tables}}');
  const tail = after === undefined || after.trim() === '' ? '' : `\n\n${after.trim()}`;
  return `${before.trimEnd()}\n\n${tables.trim()}${tail}\n`;
}

if (require.main === module) {
  runCostStep(undefined, { writeDoc: process.argv.includes('--update') }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`cost step failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
