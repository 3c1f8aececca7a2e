/**
 * The HTTP variant's latency as mParticle sees it (its HTTP budget is 100 ms, docs/firehose-protocol.md,
 * "Deployment"): 100-event batches POSTed one after another to the local Function URL (`npm start`'s system,
 * the real HTTP handler and in-line delivery, the partner answering at once). Baseline in the same run: the
 * same requests against a bare HTTP server on this machine, so the ratio shows what the kit adds over the
 * HTTP stack. This is where the timing promise lives; test/http/delivery.test.ts only checks for a hang.
 */
import { withBaselineAndLocalSystem } from './baseline-and-local-system';
import { customEvents, eventBatch } from '../test/support/factories';
import { median, percentile } from './stats';
import { TOKEN_ENV } from '../lambda/config/environment';

export interface HttpLatencyResult {
  readonly requests: number;
  readonly baselineMedianMs: number;
  readonly baselineP99Ms: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  /** p99 over the baseline's p99, same requests, same run. */
  readonly p99Ratio: number;
}

const BENCH_TOKEN = 'bench-token';

async function timeSequential(
  url: string,
  body: string,
  headers: Record<string, string>,
  warmup: number,
  requests: number,
): Promise<number[]> {
  const timings: number[] = [];
  for (let i = 0; i < warmup + requests; i++) {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    if (i >= warmup) timings.push(ms);
  }
  return timings;
}

export async function runHttpLatencyBench(
  options: { requests?: number; warmup?: number } = {},
): Promise<HttpLatencyResult> {
  const requests = options.requests ?? 200;
  const warmup = options.warmup ?? 20;
  const body = JSON.stringify(eventBatch(customEvents(100)));
  return withBaselineAndLocalSystem({ [TOKEN_ENV.tokens]: BENCH_TOKEN }, {}, async ({ bare, system }) => {
    const baseline = await timeSequential(`${bare.url}/events`, body, {}, warmup, requests);
    const kit = await timeSequential(
      `${system.httpUrl}/events`,
      body,
      { authorization: `Token ${BENCH_TOKEN}` },
      warmup,
      requests,
    );
    const baselineP99Ms = percentile(baseline, 99);
    const p99Ms = percentile(kit, 99);
    return {
      requests,
      baselineMedianMs: median(baseline),
      baselineP99Ms,
      medianMs: median(kit),
      p99Ms,
      p99Ratio: p99Ms / baselineP99Ms,
    };
  });
}

if (require.main === module) {
  runHttpLatencyBench().then((result) => {
    console.table([result]);
    process.exit(0);
  });
}
