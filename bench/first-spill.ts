/**
 * The first spill of a container (issue 21): the ingress as `npm start` runs it (the local Invoke API in front
 * of the process pool, the shipped bundle through the runtime loop, fauxqs, a local sealing key), one call at
 * a time, so one container serves them all. The partner answers in 20 ms (as in bench/load.ts). Each round
 * starts a fresh pool: its first call is the container's cold call, reported apart. Then a flaky partner:
 * every third call fails, alternately with a 503 (spilled at once) and an answer after 300 ms (spilled at
 * the 100 ms in-line deadline); the second warm call is the container's first spill, a 503 in even rounds, a
 * slow answer in odd ones. Then the partner answers every call (the baseline). Each round runs the bundle
 * twice, interleaved: as shipped, and built without the spill warm-up (spill-warm-up.ts), so the rows
 * compare the two on the same machine at the same time. No worker runs: the spilled messages stay queued.
 * The target is on the warm answers with the flaky partner: p99 < 200 ms (mParticle's budget for the Lambda
 * path, lambda/delivery/defaults.ts). Loopback only; bounded in time.
 */
import path from 'node:path';
import { FUNCTION_ENV } from '../lambda/config/environment';
import { startInvokeApi } from '../local/lambda-invoke-api';
import { localFunctionEnv, useLocalAwsCredentials } from '../local/local-function-env';
import { LOCAL_ACCOUNT_ID } from '../local/local-system';
import { startLoopIngress } from '../local/loop-ingress';
import { type Fault, startPartnerServer } from '../local/partner-api-stand-in';
import { startSqsEmulator } from '../local/sqs-emulator';
import { SystemLog } from '../local/system-log';
import { customEvents, eventBatch } from '../test/support/factories';
import { bundleHandlers } from './bundle';
import { bundleWithoutWarmUp } from './cold-start';
import { median, percentile } from './stats';

export interface FirstSpillRow {
  readonly answers: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface FirstSpillResult {
  readonly rounds: number;
  readonly rows: readonly FirstSpillRow[];
  /** p99 of the warm answers with the flaky partner, the bundle as shipped (the target's figure). */
  readonly flakyWarmP99Ms: number;
  /** The same without the spill warm-up, same run. */
  readonly flakyWarmP99WithoutWarmUpMs: number;
  /** p99 of the warm answers with the partner answering at once, as shipped (the baseline). */
  readonly healthyWarmP99Ms: number;
}

const SLOW_ANSWER_MS = 300;
const ANSWER_MS = 20;
type Mode = 'ok' | '503' | 'slow';

/** Warm call i (1-based) of round r: every third one fails (call 2 first), a 503 and a slow answer by turns. */
function flakyMode(i: number, r: number): Mode {
  if (i % 3 !== 2) return 'ok';
  return (i % 6 === 2) === (r % 2 === 0) ? '503' : 'slow';
}

interface Samples {
  readonly cold: number[];
  readonly firstSpill: number[];
  readonly spilled: number[];
  readonly flaky: number[];
  readonly healthy: number[];
}

const samples = (): Samples => ({ cold: [], firstSpill: [], spilled: [], flaky: [], healthy: [] });

function row(answers: string, ms: readonly number[]): FirstSpillRow {
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    answers,
    count: ms.length,
    p50Ms: round(median(ms)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(Math.max(...ms)),
  };
}

export async function runFirstSpillBench(
  outDir: string,
  options: { rounds?: number; flakyCalls?: number; healthyCalls?: number } = {},
): Promise<FirstSpillResult> {
  const rounds = options.rounds ?? 4;
  const flakyCalls = options.flakyCalls ?? 30;
  const healthyCalls = options.healthyCalls ?? 20;
  const body = JSON.stringify(eventBatch(customEvents(100)));
  const shipped = path.dirname((await bundleHandlers(outDir))['ingress']?.file ?? '');
  const withoutWarmUp = await bundleWithoutWarmUp(outDir);
  const figures = { shipped: samples(), without: samples() };

  useLocalAwsCredentials('us-east-1');
  const sqs = await startSqsEmulator();
  const partner = await startPartnerServer();
  let mode: Mode = 'ok';
  partner.setFaults((): Fault | undefined => {
    if (mode === '503') return { kind: 'status', status: 503 };
    return { kind: 'slow', delayMs: mode === 'slow' ? SLOW_ANSWER_MS : ANSWER_MS };
  });
  const env = localFunctionEnv({ partnerUrl: partner.url, sqs, extra: { [FUNCTION_ENV.logLevel]: 'ERROR' } });

  /** One fresh container of `taskRoot` behind the Invoke API: its cold call, the flaky calls, the healthy ones. */
  const round = async (taskRoot: string, r: number, into: Samples): Promise<void> => {
    const pool = await startLoopIngress({ env, log: new SystemLog(), taskRoot });
    const api = await startInvokeApi({
      port: 0,
      region: 'us-east-1',
      accountId: LOCAL_ACCOUNT_ID,
      functions: [{ name: 'firehose-ingress', description: 'ingress', invoke: pool.invoke }],
    });
    const url = `${api.url}/2015-03-31/functions/firehose-ingress/invocations`;
    const call = async (): Promise<number> => {
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      const ms = performance.now() - started;
      if (response.status !== 200 || response.headers.get('x-amz-function-error'))
        throw new Error(`the ingress failed (${response.status}): ${text.slice(0, 300)}`);
      return ms;
    };
    try {
      mode = 'ok';
      into.cold.push(await call());
      for (let i = 1; i <= flakyCalls; i += 1) {
        mode = flakyMode(i, r);
        const ms = await call();
        into.flaky.push(ms);
        if (mode !== 'ok') into.spilled.push(ms);
        if (i === 2) into.firstSpill.push(ms);
      }
      mode = 'ok';
      for (let i = 0; i < healthyCalls; i += 1) into.healthy.push(await call());
    } finally {
      await api.close();
      await pool.stop();
    }
  };

  try {
    for (let r = 0; r < rounds; r += 1) {
      await round(shipped, r, figures.shipped);
      await round(withoutWarmUp, r, figures.without);
    }
  } finally {
    await partner.stop();
    await sqs.stop();
  }
  const rows = (label: string, s: Samples): FirstSpillRow[] => [
    row(`${label}: cold call of a container, partner answers in 20 ms`, s.cold),
    row(`${label}: first spill of a container (503, or slow, by turns)`, s.firstSpill),
    row(`${label}: warm calls, flaky partner, the spilled ones`, s.spilled),
    row(`${label}: warm calls, flaky partner, all`, s.flaky),
    row(`${label}: warm calls, partner answers in 20 ms (baseline)`, s.healthy),
  ];
  return {
    rounds,
    rows: [...rows('as shipped', figures.shipped), ...rows('without the warm-up', figures.without)],
    flakyWarmP99Ms: percentile(figures.shipped.flaky, 99),
    flakyWarmP99WithoutWarmUpMs: percentile(figures.without.flaky, 99),
    healthyWarmP99Ms: percentile(figures.shipped.healthy, 99),
  };
}

if (require.main === module) {
  runFirstSpillBench(path.join(__dirname, 'out'), { rounds: Number(process.argv[2] ?? 4) }).then(
    (result) => {
      console.table(result.rows);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
