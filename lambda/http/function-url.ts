import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Route } from './routes';

/** A Function URL request (payload format 2.0), with what the HTTP handler's middlewares add to it. */
export interface FirehoseHttpEvent extends APIGatewayProxyEventV2 {
  /** The matched route (route-guard.ts). */
  route?: Route;
  /**
   * The body text as received, base64 undone (raw-body.ts). The JSON parser middleware replaces `body` with
   * a parsed object, which rounds integers beyond 2^53; the core reads this text instead and keeps them exact.
   */
  rawBody?: string;
}

/** What a Function URL handler returns: the status, headers and body mParticle sees. */
export type FunctionUrlResult = APIGatewayProxyStructuredResultV2;

/** The Lambda handler behind a Function URL, as the local endpoint calls it too. */
export type FunctionUrlHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<FunctionUrlResult>;

/** A request header by name. Function URLs lower-case header names; other callers may not. */
export function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const lower = name.toLowerCase();
  if (lower in headers) return headers[lower];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/**
 * The body after the JSON parser middleware ran: a parsed value where the event type says string. Read it
 * only for routing and auth decisions (`type`); the core reads `rawBody`.
 */
export function parsedBodyOf(event: FirehoseHttpEvent): unknown {
  return event.body as unknown;
}

/** The request's `type`, if the parsed body is an object with a string `type`. */
export function messageTypeOf(event: FirehoseHttpEvent): string | undefined {
  const body = parsedBodyOf(event);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const type: unknown = (body as Record<string, unknown>)['type'];
  return typeof type === 'string' ? type : undefined;
}

/** A caller-supplied text made safe to quote in an answer or a log line: printable ASCII, bounded length. */
export function quotable(text: string, max = 80): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
