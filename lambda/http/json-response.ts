import { stringifyJson } from '../firehose';
import type { FunctionUrlResult } from './function-url';

/** A JSON answer; every answer of the HTTP variant, success or not, is `application/json` (docs/firehose-protocol.md, "Envelope"). */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): FunctionUrlResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: stringifyJson(body),
  };
}
