import { checkRegistration, moduleRegistrationResponse, type ModuleRegistration } from '../lambda/firehose';
import { isDeepStrictEqual } from 'node:util';

/**
 * The registration a target answers, judged twice: against the protocol's rules (the same function as
 * `npm run registration`), and against the registration in this checkout, so a stale deployment shows.
 */

const ENVELOPE = new Set(['type', 'id', 'timestamp_ms', 'firehose_version']);

export function registrationRuleProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['the answer is not a JSON object'];
  try {
    return checkRegistration(body as ModuleRegistration);
  } catch {
    // The rules read nested lists; an answer too malformed for them is a problem in itself.
    return ['the registration is too malformed to check (a block or list has the wrong shape)'];
  }
}

/** Paths (at most `limit`) where the answered registration differs from the local one. */
export function registrationDifferences(body: unknown, local: ModuleRegistration, limit = 5): string[] {
  const expected = withoutEnvelope(moduleRegistrationResponse(local));
  const actual = typeof body === 'object' && body !== null ? withoutEnvelope(body as Record<string, unknown>) : {};
  const paths: string[] = [];
  diff(expected, actual, '', paths, limit);
  return paths;
}

function withoutEnvelope(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !ENVELOPE.has(key)));
}

function diff(expected: unknown, actual: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit || isDeepStrictEqual(expected, actual)) return;
  const bothObjects =
    typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null;
  if (!bothObjects || Array.isArray(expected) !== Array.isArray(actual)) {
    out.push(path || '(the whole registration)');
    return;
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const child = Array.isArray(expected) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    diff((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], child, out, limit);
  }
}
