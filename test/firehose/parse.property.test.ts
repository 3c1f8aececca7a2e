import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirehoseInputError, parseFirehoseRequest, REQUEST_TYPES } from '../../lambda/firehose';
import { customEvents, eventBatch, membershipChange, profiles } from '../support/factories';

/** Either a typed request or a FirehoseInputError: nothing else may come out of the parser. */
function parsesOrNamesTheProblem(input: unknown): void {
  try {
    const { request } = parseFirehoseRequest(input);
    expect(REQUEST_TYPES).toContain(request.type);
  } catch (error) {
    expect(error).toBeInstanceOf(FirehoseInputError);
  }
}

/** Replaces the value at a random path of a JSON tree. */
function mutateAt(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = path;
  const index = (head ?? 0) % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as object) };
  const key = entries[index]?.[0] as string;
  (copy as Record<string, unknown>)[key] = mutateAt((value as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

// No-crash checks: they hold with the schema check switched off too; parse.test.ts tests what the check refuses.
describe('the parser never crashes: any input gives a request or a named error', () => {
  it('any JSON value gives a request or a named error', () => {
    fc.assert(fc.property(fc.jsonValue(), parsesOrNamesTheProblem), { numRuns: 500 });
  });

  it('any JSON value written as text (as the Lambda and HTTP paths read it) gives a request or a named error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => parsesOrNamesTheProblem(JSON.stringify(value))),
      { numRuns: 500 },
    );
  });

  it('any text gives a request or a named error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), parsesOrNamesTheProblem), { numRuns: 500 });
  });

  it('any valid message with one value replaced anywhere gives a request or a named error', () => {
    const seeds = [eventBatch(customEvents(3)), membershipChange(profiles(2))];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.oneof(fc.jsonValue(), fc.constant('__proto__'), fc.constant(undefined)),
        fc.boolean(),
        (seed, path, replacement, asText) => {
          const mutated = mutateAt(seed, path, replacement);
          parsesOrNamesTheProblem(asText ? JSON.stringify(mutated) : mutated);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a message of known type with arbitrary extra fields still parses', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => !['type', 'id', 'events'].includes(k) && k !== '__proto__'),
          fc.jsonValue(),
        ),
        (extra) => {
          const message = { ...extra, ...eventBatch([]) };
          expect(parseFirehoseRequest(JSON.parse(JSON.stringify(message))).request.type).toBe(
            'event_processing_request',
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
