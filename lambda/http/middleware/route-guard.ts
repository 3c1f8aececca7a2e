import type { MiddlewareObj } from '@middy/core';
import type { FirehoseHttpEvent, FunctionUrlResult } from '../function-url';
import { problems } from '../errors';
import { findRoute } from '../routes';

/** 404 for a path that is not a route, then 405 (with `Allow: POST`) for any method but POST. */
export function routeGuard(): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      const event = request.event;
      const route = findRoute(event.rawPath ?? '/');
      if (!route) throw problems.notFound();
      if (event.requestContext?.http?.method?.toUpperCase() !== 'POST') throw problems.methodNotAllowed();
      event.route = route;
    },
  };
}
