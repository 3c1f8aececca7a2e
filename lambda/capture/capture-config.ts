import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import { type Env, readFraction, readPositiveInt } from '../config/env-readers';
import { errorMessage } from '../common/errors';
import { CaptureBuffer } from './capture-buffer';
import { folderCaptureSink, s3CaptureSink } from './capture-sink';
import { RequestCapture } from './request-capture';
import { capturedConfidentialIds } from './strip-confidential';
import { CAPTURE_ENV, LOCAL_ENV } from '../config/environment';
import { CAPTURE_DEFAULTS } from './capture-defaults';

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
    ? s3CaptureSink(bucket, { ...(env[LOCAL_ENV.s3Endpoint] ? { endpoint: env[LOCAL_ENV.s3Endpoint] } : {}) })
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
  return readFraction(env, CAPTURE_ENV.sampleRate, CAPTURE_DEFAULTS.sampleRate);
}
