import type { MiddlewareObj } from '@middy/core';
import { headerOf, type FirehoseHttpEvent, type FunctionUrlResult } from '../function-url';
import { problems } from '../http-errors';

/** `application/json`, optionally with parameters; a charset, if given, must be UTF-8 (RFC 8259 §8.1). */
const JSON_MEDIA_TYPE = /^application\/json[ \t]*(?:;(.*))?$/i;

export function isJsonContentType(value: string | undefined): boolean {
  const match = value === undefined ? null : JSON_MEDIA_TYPE.exec(value.trim());
  if (!match) return false;
  const charset = /(?:^|;)[ \t]*charset[ \t]*=[ \t]*"?([^";\s]+)"?/i.exec(match[1] ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/**
 * 415 unless the body is declared `application/json`. Media types are case-insensitive, the JSON parser
 * middleware's own check is not: the header is handed on in its canonical form so both agree.
 */
export function jsonContentType(): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      const event = request.event;
      if (!isJsonContentType(headerOf(event, 'content-type'))) throw problems.unsupportedMediaType();
      event.headers = { ...event.headers, 'content-type': 'application/json' };
    },
  };
}
