import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import { readPositiveInt } from '../config/env-readers';
import { errorMessage } from '../common/errors';
import { CaptureBuffer } from './capture-buffer';
import { folderCaptureSink, s3CaptureSink } from './capture-sink';
import { RequestCapture } from './request-capture';
import { capturedConfidentialIds } from './strip-confidential';
import { CAPTURE_ENV, ENV } from '../config/environment';
import { CAPTURE_DEFAULTS } from './capture-defaults';

type Env = Readonly<Record<string, string | undefined>>;

/** The capture the environment asks for (CAPTURE_ENV.bucket or CAPTURE_ENV.dir), or undefined: capture is opt-in. */
export function requestCaptureFromEnv(
  env: Env,
  integration: PartnerIntegration,
  service: string,
  logger: Logger,
): RequestCapture | undefined {
  const bucket = env[CAPTURE_ENV.bucket];
  const dir = env[CAPTURE_ENV.dir];
  if (!bucket && !dir) return undefined;
  const sink = bucket
    ? s3CaptureSink(bucket, { ...(env[ENV.s3Endpoint] ? { endpoint: env[ENV.s3Endpoint] } : {}) })
    : folderCaptureSink(dir as string);
  const buffer = new CaptureBuffer({
    sink,
    prefix: CAPTURE_DEFAULTS.prefix,
    service,
    maxRecords: readPositiveInt(env, CAPTURE_ENV.maxRecords, CAPTURE_DEFAULTS.maxRecords),
    maxAgeMs: CAPTURE_DEFAULTS.maxAgeMs,
    onFlushFailed: (error, records) =>
      logger.warn('captured requests could not be written and were dropped', { records, error: errorMessage(error) }),
  });
  return new RequestCapture({
    buffer,
    service,
    sampleRate: sampleRate(env),
    confidentialIds: capturedConfidentialIds(integration.registration),
  });
}

function sampleRate(env: Env): number {
  const raw = env[CAPTURE_ENV.sampleRate];
  if (raw === undefined || raw === '') return CAPTURE_DEFAULTS.sampleRate;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new Error(`${CAPTURE_ENV.sampleRate} must be a number from 0 to 1`);
  return rate;
}
