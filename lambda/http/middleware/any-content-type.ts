import type { MiddlewareObj } from '@middy/core';
import type { FirehoseHttpEvent, FunctionUrlResult } from '../function-url';

/**
 * Every body is read as JSON, whatever its Content-Type says (or when it has none): mParticle does not retry
 * a 415, so refusing a JSON body for its label would drop the data. A body that is not JSON is still a 400.
 * The JSON parser middleware parses only what is labelled `application/json`, so the label is set for it.
 */
export function anyContentType(): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      const headers = Object.fromEntries(
        Object.entries(request.event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type'),
      );
      request.event.headers = { ...headers, 'content-type': 'application/json' };
    },
  };
}
