import type { MiddlewareObj } from '@middy/core';
import { messageTypeOf, type FirehoseHttpEvent, type FunctionUrlResult } from '../function-url';
import { problems } from '../http-errors';
import { routeAccepts } from '../routes';

/**
 * 400 when the request's `type` does not belong to its route (an event batch sent to /registration). A
 * missing or non-string `type` is left to the core, whose error names the field.
 */
export function routeTypeCheck(): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      const { route } = request.event;
      const type = messageTypeOf(request.event);
      if (route && type !== undefined && !routeAccepts(route, type)) throw problems.wrongRoute(route, type);
    },
  };
}
