/**
 * Handler overhead: the in-process ingress pipeline on batches of 1, 100 and 1,000 events and a 5,000-profile
 * membership change, with I/O stubbed at the delivery interface and with a real partner (HTTP) and queue
 * (fauxqs) on loopback, against a baseline measured in the same run: bare JSON.parse + walk + JSON.stringify
 * of the same text. The pipeline runs as bundled for Lambda (bench/handler-subject.ts), not through tsx.
 */
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import path from 'node:path';
import { build } from 'esbuild';
import { customEvents, eventBatch, membershipChange, profiles } from '../test/support/factories';
import { emulatorDeliveryEnv } from '../local/local-function-env';
import { functionBundleOptions } from '../local/function-bundle';
import { startPartnerServer } from '../local/partner-api-stand-in';
import { startSqsEmulator } from '../local/sqs-emulator';
import { median, percentile, timeEach } from './stats';
import { DELIVERY_ENV } from '../lambda/config/environment';

export interface HandlerRow {
  readonly case: string;
  readonly mode: 'baseline' | 'stubbed' | 'loopback';
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly ratio: number;
}

function walk(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + walk(v), 1);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + walk(v), 1);
  return 1;
}

/**
 * Two functions timed in alternation, so that a noisy machine (other processes, GC) weighs on both alike:
 * their ratio is what the bench reports.
 */
async function measurePair(iterations: number, a: () => unknown, b: () => unknown): Promise<[number[], number[]]> {
  for (let i = 0; i < Math.min(50, iterations); i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    let start = performance.now();
    await a();
    as.push(performance.now() - start);
    start = performance.now();
    await b();
    bs.push(performance.now() - start);
  }
  return [as, bs];
}

async function measure(iterations: number, fn: () => unknown): Promise<number[]> {
  await timeEach(Math.min(50, iterations), fn); // warm-up
  return timeEach(iterations, fn);
}

/**
 * Real batches carry 64-bit session ids (mParticle hashes the session UUID), most of them beyond 2^53 and
 * half of them negative: the rows named `N events` use such ids, as mParticle sends them.
 */
const SESSION_IDS = ['4957918240501247982', '-2271448330363288817', '7390184726613950451', '-8812345678901234567'];

function realisticBatch(count: number): string {
  let i = 0;
  return JSON.stringify(eventBatch(customEvents(count))).replace(
    /"session_id":42\b/g,
    () => `"session_id":${SESSION_IDS[i++ % SESSION_IDS.length]}`,
  );
}

type Subject = typeof import('./handler-subject');

/** The code under test bundled as the functions are (bench/handler-subject.ts says why), then loaded. */
async function bundledSubject(): Promise<Subject> {
  const file = path.join(__dirname, 'out', 'handler-subject', 'index.js');
  await build(functionBundleOptions(path.join(__dirname, 'handler-subject.ts'), file, { bundleAwsSdk: false }));
  return require(file) as Subject;
}

export async function runHandlerBench(): Promise<HandlerRow[]> {
  const { processRequest, parseFirehoseRequest, integration, createIngressFunction, recordingPort } =
    await bundledSubject();
  const silent = new Logger({ logLevel: 'SILENT' });
  const stub = recordingPort();
  const stubbedDeps = { integration, delivery: stub.port, maxMessageBytes: 256 * 1024, suspendOnAuthFailure: true };

  const sqs = await startSqsEmulator();
  const partner = await startPartnerServer();
  const env = {
    ...emulatorDeliveryEnv(sqs, partner.url),
    [DELIVERY_ENV.localSealingKey]: randomBytes(32).toString('base64'),
  };
  const loopback = createIngressFunction({ env, logger: silent, service: 'firehose-ingress' });

  const cases = [
    { name: '1 event', text: realisticBatch(1), iterations: 2_000 },
    { name: '100 events', text: realisticBatch(100), iterations: 3_000 },
    { name: '1,000 events', text: realisticBatch(1_000), iterations: 200 },
    { name: '1,000 events, toy ids', text: JSON.stringify(eventBatch(customEvents(1_000))), iterations: 200 },
    { name: '5,000 profiles', text: JSON.stringify(membershipChange(profiles(5_000))), iterations: 20 },
  ];

  const rows: HandlerRow[] = [];
  try {
    for (const c of cases) {
      const [baseline, stubbed] = await measurePair(
        c.iterations,
        () => {
          const value: unknown = JSON.parse(c.text);
          walk(value);
          return JSON.stringify(value);
        },
        async () => {
          await processRequest(parseFirehoseRequest(c.text), stubbedDeps);
          stub.inline.length = 0;
          stub.queued.length = 0;
        },
      );
      const real = await measure(Math.max(10, Math.floor(c.iterations / 4)), () => loopback.handle(c.text));
      const base = median(baseline);
      rows.push({ case: c.name, mode: 'baseline', medianMs: base, p99Ms: percentile(baseline, 99), ratio: 1 });
      rows.push({
        case: c.name,
        mode: 'stubbed',
        medianMs: median(stubbed),
        p99Ms: percentile(stubbed, 99),
        ratio: median(stubbed) / base,
      });
      rows.push({
        case: c.name,
        mode: 'loopback',
        medianMs: median(real),
        p99Ms: percentile(real, 99),
        ratio: median(real) / base,
      });
    }
  } finally {
    await partner.stop();
    await sqs.stop();
  }
  return rows;
}

if (require.main === module) {
  runHandlerBench().then((rows) => {
    for (const r of rows) {
      console.log(
        `${r.case.padEnd(22)} ${r.mode.padEnd(9)} median ${r.medianMs.toFixed(3).padStart(8)} ms  p99 ${r.p99Ms.toFixed(3).padStart(8)} ms  ×${r.ratio.toFixed(2)}`,
      );
    }
    process.exit(0);
  });
}
