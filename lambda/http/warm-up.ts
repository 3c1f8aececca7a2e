import type { Logger } from '@aws-lambda-powertools/logger';
import { monotonicMs } from '../common/monotonic-clock';
import { DELIVERY_DEFAULTS } from '../delivery/defaults';
import { errorMessage } from '../common/errors';
import { DELIVERY_ENV } from '../config/environment';
import { type Env, readPositiveInt } from '../config/env-readers';

/**
 * The HTTP function's in-line deadline (HTTP_INLINE_DEADLINE_MS, default 50 ms): mParticle asks HTTP
 * endpoints to answer within 100 ms, so a call the partner has not answered by then is spilled to the queue
 * with room to spare. The Lambda-invoke ingress keeps INLINE_DEADLINE_MS.
 */
export function httpInlineDeadlineMs(env: Env): number {
  return readPositiveInt(env, DELIVERY_ENV.httpInlineDeadlineMs, DELIVERY_DEFAULTS.httpInlineDeadlineMs);
}

/**
 * Starts each step now, at module scope (the function's init), and returns a promise that settles when every
 * step has; it never rejects. The steps are the cached promises the calls themselves await (SQS client, data
 * key, tokens), so a call never starts the same work twice and waits only for what is not finished yet; a
 * step that failed is logged and tried again by the first call that needs it. Only the failure's message is
 * logged: none of these errors carries a secret's value.
 */
export function startWarmUp(steps: Readonly<Record<string, () => Promise<unknown>>>, logger: Logger): Promise<void> {
  const started = monotonicMs();
  return Promise.all(
    Object.entries(steps).map(async ([step, run]) => {
      try {
        await run();
      } catch (error) {
        logger.warn('warm-up step failed; the first call that needs it tries again', {
          step,
          error: errorMessage(error),
        });
      }
    }),
  ).then(() => logger.debug('warmed up', { durationMs: Math.round(monotonicMs() - started) }));
}

/**
 * How long the HTTP function's init waits for its warm-up (lambda/handlers/http-esm.ts) before it lets Lambda
 * hand over the first request anyway. Lambda allows init 10 s; a warm-up this slow means KMS, SQS or Secrets
 * Manager is failing, and the first call that needs the step tries it again and reports its own error.
 */
export const INIT_WARM_UP_LIMIT_MS = 3_000;

/** Settles when `warmUp` does or after `limitMs`, whichever comes first; never rejects, and holds no timer after. */
export async function waitAtMost(warmUp: Promise<unknown>, limitMs: number): Promise<'warm' | 'limit reached'> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'limit reached'>((resolve) => {
    timer = setTimeout(() => resolve('limit reached'), limitMs);
  });
  try {
    return await Promise.race([
      warmUp.then(
        () => 'warm' as const,
        () => 'warm' as const,
      ),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
