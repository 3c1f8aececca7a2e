/**
 * The HTTP variant with a partner that never answers (issue 14, part 3): mParticle asks HTTP endpoints to
 * answer within 100 ms. Each round starts a fresh process running the HTTP function bundled as deployed (an
 * ES module whose init awaits its warm-up) behind the local Function URL endpoint, which listens once init has
 * ended (so the first answer pays the container's first call, not its init), and sends it requests one after
 * another; every call must wait for the in-line deadline, then spill to the queue (fauxqs) with its secret
 * sealed under a KMS data key (a KMS stand-in on loopback, answering in KMS_LATENCY_MS, through the real SDK).
 * Reports p50/p99/max of all answers and of the first answer of each process, and the same for a process
 * whose handler answers 202 at once (same harness, same run): what loopback HTTP, fetch and a fresh process
 * cost on this machine by themselves.
 */
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { functionBundleOptions } from '../local/function-bundle';
import { startHttpFunctionProcess } from '../local/http-function-process';
import { ENTRY_POINTS } from './bundle';
import { DELIVERY_ENV, PLATFORM_ENV, TOKEN_ENV } from '../lambda/config/environment';
import { startSqsEmulator } from '../local/sqs-emulator';
import { customEvents, eventBatch } from '../test/support/factories';
import { startKmsStandIn } from '../test/support/kms-stand-in';
import { percentile } from './stats';
import { startHangingPartner } from '../test/support/hanging-partner';
import { LAMBDA_LIKE_ENV, TEST_KMS_KEY_ARN } from '../test/support/lambda-env';
import { emulatorDeliveryEnv } from '../local/local-function-env';

export interface HttpHangingRow {
  /** The HTTP function, or the bare 202 handler (the baseline). */
  readonly handler: 'function' | 'bare';
  /** The first answer of each fresh process, or all answers. */
  readonly which: 'first' | 'all';
  readonly answers: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers that were not 202 (every call spilled): should be 0. */
  readonly not202: number;
}

/** A GenerateDataKey round trip as seen from Lambda in the key's region (order of magnitude). */
const KMS_LATENCY_MS = 15;
const HTTP_ENTRY = ENTRY_POINTS['http']?.entry ?? 'lambda/handlers/http-esm.ts';
const TOKEN = 'tok_bench_http_hanging';

/** The HTTP function bundled as the construct bundles it, and a bare 202 handler beside it. */
async function bundle(outDir: string): Promise<{ http: string; bare: string }> {
  const dir = path.join(outDir, 'http-hanging');
  const http = path.join(dir, 'function', 'index.mjs');
  const bare = path.join(dir, 'bare', 'index.mjs');
  await build(functionBundleOptions(HTTP_ENTRY, http, { bundleAwsSdk: false, esModule: true }));
  mkdirSync(path.dirname(bare), { recursive: true });
  writeFileSync(
    bare,
    "export const handler = async () => ({ statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{}' });\n",
  );
  return { http, bare };
}

function row(
  of: Pick<HttpHangingRow, 'handler' | 'which'>,
  answers: string,
  samples: { ms: number; status: number }[],
): HttpHangingRow {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    ...of,
    answers,
    count: ms.length,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms.at(-1) ?? 0),
    not202: samples.filter((s) => s.status !== 202).length,
  };
}

export async function runHttpHangingBench(
  outDir: string,
  options: { processes?: number; requestsEach?: number } = {},
): Promise<HttpHangingRow[]> {
  const processes = options.processes ?? 8;
  const requestsEach = options.requestsEach ?? 20;
  const files = await bundle(outDir);
  const partner = await startHangingPartner();
  const kms = await startKmsStandIn({ latencyMs: KMS_LATENCY_MS });
  const sqs = await startSqsEmulator();
  const env: NodeJS.ProcessEnv = {
    [PLATFORM_ENV.path]: process.env[PLATFORM_ENV.path],
    ...LAMBDA_LIKE_ENV,
    [PLATFORM_ENV.lambdaFunctionName]: 'firehose-http-bench',
    ...emulatorDeliveryEnv(sqs, partner.url),
    [DELIVERY_ENV.sealingKeyId]: TEST_KMS_KEY_ARN,
    [PLATFORM_ENV.kmsEndpoint]: kms.url,
    [TOKEN_ENV.tokens]: TOKEN,
  };
  const body = JSON.stringify(eventBatch(customEvents(100)));
  const measure = async (
    bundleFile: string,
    handler: HttpHangingRow['handler'],
    label: string,
  ): Promise<HttpHangingRow[]> => {
    const all: { ms: number; status: number }[] = [];
    const first: { ms: number; status: number }[] = [];
    for (let p = 0; p < processes; p += 1) {
      const fn = await startHttpFunctionProcess({ bundle: bundleFile, env, outDir: path.join(outDir, 'http-hanging') });
      try {
        for (let i = 0; i < requestsEach; i += 1) {
          const started = performance.now();
          const response = await fetch(`${fn.url}/firehose`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Token ${TOKEN}` },
            body,
          });
          await response.arrayBuffer();
          const sample = { ms: performance.now() - started, status: response.status };
          all.push(sample);
          if (i === 0) first.push(sample);
        }
      } finally {
        await fn.stop();
      }
    }
    return [
      row({ handler, which: 'first' }, `${label}: first answer of a fresh process`, first),
      row({ handler, which: 'all' }, `${label}: all answers`, all),
    ];
  };
  try {
    const bareRows = await measure(files.bare, 'bare', 'bare 202 handler (baseline)');
    return [...(await measure(files.http, 'function', 'HTTP function, partner never answers')), ...bareRows];
  } finally {
    await partner.stop();
    await kms.stop();
    await sqs.stop();
  }
}

if (require.main === module) {
  runHttpHangingBench(path.join(__dirname, 'out')).then(
    (rows) => {
      console.table(rows);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
