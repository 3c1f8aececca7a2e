import { parseSecureUrl } from '../common/http-client';

/**
 * Where the Events API lives. Partners building a Feed are told to use the inbound URL; customers'
 * pods have their own hosts. Which one routes correctly for non-US1 customers is not documented,
 * so the choice is a per-customer setting.
 */

export const PARTNER_INBOUND_BASE_URL = 'https://inbound.mparticle.com/s2s/v2';

export const EVENTS_API_POD_BASE_URLS = {
  us1: 'https://s2s.us1.mparticle.com/v2',
  us2: 'https://s2s.us2.mparticle.com/v2',
  eu1: 'https://s2s.eu1.mparticle.com/v2',
  au1: 'https://s2s.au1.mparticle.com/v2',
} as const;

export type EventsApiPod = keyof typeof EVENTS_API_POD_BASE_URLS;

/** The two bulk paths this kit sends to; `/events` (one batch per call) is never worth the overhead. */
export type EventsApiRoute = 'bulkevents' | 'bulkevents/historical';

export function isEventsApiPod(value: string): value is EventsApiPod {
  return Object.hasOwn(EVENTS_API_POD_BASE_URLS, value);
}

export interface EndpointChoice {
  /** A pod name, case-insensitive: US1, US2, EU1 or AU1. */
  readonly pod?: string;
  /** An explicit base URL (tests, local servers); https, or http on loopback only. */
  readonly baseUrl?: string;
}

/** Picks the base URL: explicit URL, else the pod's host, else the partner inbound URL. */
export function resolveEventsApiBaseUrl(choice: EndpointChoice = {}): URL {
  const pod = choice.pod?.trim().toLowerCase() || undefined;
  const baseUrl = choice.baseUrl?.trim() || undefined;
  if (pod !== undefined && baseUrl !== undefined) {
    throw new Error('choose either a pod or a base URL, not both');
  }
  if (baseUrl !== undefined) return parseSecureUrl(baseUrl, 'Events API base URL');
  if (pod === undefined) return new URL(PARTNER_INBOUND_BASE_URL);
  if (!isEventsApiPod(pod)) {
    throw new Error(
      `unknown mParticle pod "${choice.pod}"; expected one of ${Object.keys(EVENTS_API_POD_BASE_URLS).join(', ')}`,
    );
  }
  return new URL(EVENTS_API_POD_BASE_URLS[pod]);
}

/** Appends a route to a base URL, keeping the base's own path (`/s2s/v2`, `/v2`). */
export function eventsApiUrl(baseUrl: URL, route: EventsApiRoute): URL {
  const url = new URL(baseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${route}`;
  url.search = '';
  url.hash = '';
  return url;
}
