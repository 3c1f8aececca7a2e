/**
 * Capture overhead: the in-process ingress on a 100-event batch, with capture off and with capture on
 * (every request sampled, 50 records per S3 object written to fauxqs on loopback), in the same run.
 * `npx tsx bench/capture.ts`.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type * as Fauxqs from 'fauxqs';
import { s3CaptureSink } from '../lambda/capture/capture-sink';
import { importEsm } from '../local/import-esm';
import { capturingIngress } from '../test/capture/support';
import { customEvents, eventBatch } from '../test/support/factories';
import { median, percentile, timeEach } from './stats';
import { PLATFORM_ENV } from '../lambda/config/environment';
import { CAPTURE_DEFAULTS } from '../lambda/capture/capture-defaults';

export interface CaptureOverhead {
  readonly offMedianMs: number;
  readonly offP99Ms: number;
  readonly onMedianMs: number;
  readonly onP99Ms: number;
  /** Median added per answer, and the added p99: the flushing answers are the slow ones. */
  readonly addedMedianMs: number;
  readonly addedP99Ms: number;
  readonly recordsPerObject: number;
}

export async function runCaptureBench(iterations = 1_000): Promise<CaptureOverhead> {
  const { startFauxqs } = await importEsm<typeof Fauxqs>('fauxqs');
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  process.env[PLATFORM_ENV.awsRegion] ??= 'us-east-1';
  process.env[PLATFORM_ENV.awsAccessKeyId] ??= 'bench';
  process.env[PLATFORM_ENV.awsSecretAccessKey] ??= 'bench';
  const s3 = new S3Client({ endpoint, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-captures' }));
  s3.destroy();
  try {
    const text = Buffer.from(JSON.stringify(eventBatch(customEvents(100))));
    const off = capturingIngress({ sink: s3CaptureSink('bench-captures', { endpoint }), sampleRate: 0 });
    const on = capturingIngress({
      sink: s3CaptureSink('bench-captures', { endpoint }),
      maxRecords: CAPTURE_DEFAULTS.maxRecords,
    });
    // Warm both (and the S3 client) before measuring, alternating so drift hits both alike.
    await timeEach(100, () => off.handle(text));
    await timeEach(100, () => on.handle(text));
    const offSamples: number[] = [];
    const onSamples: number[] = [];
    for (let round = 0; round < 10; round++) {
      offSamples.push(...(await timeEach(iterations / 10, () => off.handle(text))));
      onSamples.push(...(await timeEach(iterations / 10, () => on.handle(text))));
    }
    const result = {
      offMedianMs: median(offSamples),
      offP99Ms: percentile(offSamples, 99),
      onMedianMs: median(onSamples),
      onP99Ms: percentile(onSamples, 99),
      recordsPerObject: CAPTURE_DEFAULTS.maxRecords,
    };
    return {
      ...result,
      addedMedianMs: result.onMedianMs - result.offMedianMs,
      addedP99Ms: result.onP99Ms - result.offP99Ms,
    };
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  runCaptureBench().then((r) => {
    console.table(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { value: Number(v).toFixed(3) }])));
    process.exit(0);
  });
}
