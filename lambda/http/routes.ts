import type { FirehoseRequestType } from '../firehose';

/**
 * The HTTP variant's paths. `/firehose` takes every request kind; the others follow mParticle's
 * one-URL-per-kind registration (docs/http-variant.md). Every path dispatches on `type`, as the Lambda does;
 * a `type` that belongs elsewhere is logged (middleware/route-mismatch.ts), which catches a URL registered
 * in the wrong field without dropping the data.
 */
export interface Route {
  readonly path: string;
  /** The request types this path accepts; `undefined` means every type. */
  readonly accepts: readonly FirehoseRequestType[] | undefined;
}

export const ROUTES: readonly Route[] = [
  { path: '/firehose', accepts: undefined },
  { path: '/registration', accepts: ['module_registration_request'] },
  { path: '/events', accepts: ['event_processing_request'] },
  { path: '/audience', accepts: ['audience_subscription_request', 'audience_membership_change_request'] },
  { path: '/dsr', accepts: ['dsr_processing_request'] },
];

/** The route for a request path; one trailing slash is tolerated, the query string is not part of it. */
export function findRoute(rawPath: string): Route | undefined {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  return ROUTES.find((route) => route.path === path);
}

export function routeAccepts(route: Route, type: string): boolean {
  return route.accepts === undefined || (route.accepts as readonly string[]).includes(type);
}

/** The kind's own route for a request type (the hint in the mismatch warning); `undefined` for a type that is not a Firehose request. */
export function routeFor(type: string): Route | undefined {
  return ROUTES.find((route) => route.accepts !== undefined && (route.accepts as readonly string[]).includes(type));
}
