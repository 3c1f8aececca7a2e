import type { HttpResponse } from '../common/http-client';
import { isRetriableStatus, parseRetryAfterMs } from '../common/retry';

/** What an Events API answer means for the request that got it (docs/feeds.md, "Events API"). */
export type ResponseVerdict =
  | { readonly kind: 'accepted'; readonly status: number; readonly body: string }
  /** 400 (or 413): this body will never pass; isolate the culprit by splitting. */
  | { readonly kind: 'refused'; readonly status: number; readonly message: string }
  | {
      readonly kind: 'retry';
      readonly status: number;
      readonly retryAfterMs: number | undefined;
      readonly message: string;
    }
  | { readonly kind: 'auth'; readonly status: number; readonly detail: string | undefined }
  | { readonly kind: 'unexpected'; readonly status: number; readonly detail: string | undefined };

export function classifyResponse(response: HttpResponse, now: number = Date.now()): ResponseVerdict {
  const { status, body } = response;
  if (status >= 200 && status < 300) return { kind: 'accepted', status, body };
  const detail = describeErrorBody(body);
  if (status === 400 || status === 413) {
    return {
      kind: 'refused',
      status,
      message: `mParticle answered ${status}${detail ? `: ${detail}` : ' without details'}`,
    };
  }
  if (status === 401 || status === 403) return { kind: 'auth', status, detail };
  if (isRetriableStatus(status)) {
    // mParticle documents Retry-After (seconds) on 429; 503 may carry one too.
    const retryAfterMs =
      status === 429 || status === 503 ? parseRetryAfterMs(response.headers['retry-after'], now) : undefined;
    return {
      kind: 'retry',
      status,
      retryAfterMs,
      message: `mParticle answered ${status}${detail ? `: ${detail}` : ''}`,
    };
  }
  return { kind: 'unexpected', status, detail };
}

/**
 * Reads mParticle's error body, `{"errors":[{"code":"…","message":"…"}]}`, into one line.
 * Falls back to a short excerpt of any other body; undefined when there is none.
 */
export function describeErrorBody(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const errors = typeof parsed === 'object' && parsed !== null ? (parsed as { errors?: unknown }).errors : undefined;
    if (Array.isArray(errors) && errors.length > 0) {
      return errors.map(describeOneError).join('; ');
    }
  } catch {
    // not JSON: fall through to the excerpt
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function describeOneError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, message } = error as { code?: unknown; message?: unknown };
  const parts = [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined].filter(
    Boolean,
  );
  return parts.length > 0 ? parts.join(': ') : JSON.stringify(error);
}
