import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { messageTypeOf, quotable, type FirehoseHttpEvent, type FunctionUrlResult } from '../function-url';
import { routeAccepts, routeFor } from '../routes';

/**
 * A request whose `type` belongs to another kind's route (an event batch posted to /registration) is
 * processed all the same: the message kind is its `type`, never the URL (docs/firehose-protocol.md,
 * "Envelope"), and mParticle would not retry a 400. The mismatch is logged at warn, since it usually means
 * a URL registered in the wrong field. A `type` that is no Firehose request is left to the core's 400.
 */
export function routeMismatchWarning(logger: Logger): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      const { route } = request.event;
      const type = messageTypeOf(request.event);
      if (route === undefined || type === undefined || routeAccepts(route, type)) return;
      const meant = routeFor(type);
      if (meant === undefined) return;
      logger.warn('request type does not belong to its route; dispatched on type', {
        route: route.path,
        requestType: quotable(type),
        expectedRoute: meant.path,
      });
    },
  };
}
