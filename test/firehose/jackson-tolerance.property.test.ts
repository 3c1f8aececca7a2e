import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutboundCall } from '../../lambda/core/outbound-call';
import { processRequest, type CoreDependencies } from '../../lambda/core/process-request';
import { accountSettings, parseFirehoseRequest } from '../../lambda/firehose';
import { integration } from '../support/kit-integration';
import {
  canonical,
  DECIMAL_FIELDS,
  numberFields,
  objectsUnder,
  officialSample,
  readLossless,
  STRING_MAP_FIELDS,
  wireText,
  type OfficialSample,
} from '../support/official-samples';
import { recordingPort } from '../support/recording-port';
import { SourceNumber } from '../support/source-oracle';

/**
 * Whatever mParticle's Java SDK (Jackson, 3.2.0 model) reads, the kit reads and passes on as Jackson reads
 * it. The official samples are mutated the way Jackson tolerates (null, numbers and booleans in string maps,
 * big integers and decimals in BigDecimal fields) and the partner body must carry the values digit for
 * digit: a number where the model has a `String` arrives as its text exactly as written (Jackson's String
 * reader), every other value unchanged.
 */

const beyond53 = fc.oneof(
  fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) - 1n }),
);
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
/** What Jackson reads into a `String`: any scalar, or null. */
const jacksonText = fc.oneof(fc.constant(null), fc.integer(), finiteDouble, fc.boolean(), beyond53, fc.string());
/** What Jackson reads into a `BigDecimal`: any JSON number, or null. */
const jacksonDecimal = fc.oneof(beyond53, finiteDouble, fc.integer(), fc.constant(null));

/** A number as a `String` field reads it: its text as sent (a JavaScript number is sent as it prints). */
const asText = (value: unknown): unknown =>
  value instanceof SourceNumber
    ? value.source
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : value;

/** The oracle tree as Jackson binds it: every string map's numbers become their text. */
function jacksonStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jacksonStrings);
  if (value === null || typeof value !== 'object' || value instanceof SourceNumber) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const isMap = STRING_MAP_FIELDS.has(key) && child !== null && typeof child === 'object' && !Array.isArray(child);
    out[key] = isMap
      ? Object.fromEntries(Object.entries(child as Record<string, unknown>).map(([k, v]) => [k, asText(v)]))
      : jacksonStrings(child);
  }
  return out;
}

async function deliver(text: string): Promise<OutboundCall[]> {
  const recorder = recordingPort();
  const deps: CoreDependencies = {
    integration,
    delivery: recorder.port,
    maxMessageBytes: 256 * 1024,
    suspendOnAuthFailure: false,
  };
  await processRequest(parseFirehoseRequest(text), deps);
  return [...recorder.inline, ...recorder.queued];
}

async function onlyBody(text: string): Promise<Record<string, unknown>> {
  const calls = await deliver(text);
  expect(calls).toHaveLength(1);
  return readLossless(calls[0]?.bodyText ?? '');
}

/** Mutates every string map (a new entry plus every existing value) and every decimal field of a sample. */
function mutation(sample: Record<string, unknown>) {
  const maps = objectsUnder(sample, STRING_MAP_FIELDS);
  const decimals = numberFields(sample, DECIMAL_FIELDS);
  const mapValues = maps.map((m) =>
    fc.array(jacksonText, { minLength: Object.keys(m).length + 1, maxLength: Object.keys(m).length + 1 }),
  );
  return fc
    .tuple(fc.tuple(...mapValues), fc.array(jacksonDecimal, { minLength: decimals.length, maxLength: decimals.length }))
    .map(([mapped, decimalValues]) => {
      maps.forEach((m, i) => {
        const values = mapped[i] ?? [];
        Object.keys(m).forEach((key, j) => (m[key] = values[j]));
        m['probe'] = values[values.length - 1];
      });
      decimals.forEach(([holder, key], i) => (holder[key] = decimalValues[i]));
      return wireText(sample);
    });
}

const eventSamples: OfficialSample[] = ['EventProcessingRequest_android', 'EventProcessingRequest_ios'];

describe('the reader accepts what Jackson accepts and passes it on as Jackson reads it (official 3.2.0 samples)', () => {
  it.each(eventSamples)('%s: mutated string maps and decimals reach the partner digit for digit', async (name) => {
    await fc.assert(
      fc.asyncProperty(mutation(officialSample(name)), async (text) => {
        // Prepare
        const sent = readLossless(text);
        // Act
        const body = await onlyBody(text);
        // Assess
        expect(canonical(body['events'])).toBe(canonical(jacksonStrings(sent['events'])));
        expect(canonical((body['user'] as Record<string, unknown>)['attributes'])).toBe(
          canonical((jacksonStrings(sent) as Record<string, unknown>)['user_attributes']),
        );
      }),
      { numRuns: 150 },
    );
  });

  // A tolerance check (nothing refused; numbers as Jackson's String reader gives them): it holds with the schema
  // check switched off too.
  it('AudienceSubscriptionRequest: mutated settings reach the partner, numbers as their text', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(officialSample('AudienceSubscriptionRequest')), async (text) => {
        const sent = readLossless(text);
        const body = await onlyBody(text);
        const expected = jacksonStrings(sent) as Record<string, unknown>;
        expect(canonical(body['settings'])).toBe(canonical(expected['audience_subscription_settings']));
      }),
      { numRuns: 100 },
    );
  });

  it('AudienceMembershipChangeRequest: mutated settings and attribute values are accepted, numbers as their text', async () => {
    const sample = officialSample('AudienceMembershipChangeRequest');
    await fc.assert(
      fc.asyncProperty(mutation(sample), jacksonText, async (mutated, value) => {
        // Prepare: in this message `user_attributes` is a list of changes; their `value` is a Java String
        const message = readLossless(mutated) as {
          user_profiles: { audiences: { user_attributes?: Record<string, unknown>[] }[] }[];
        };
        for (const audience of message.user_profiles[0]?.audiences ?? []) {
          for (const change of audience.user_attributes ?? []) if ('key' in change) change['value'] = value;
        }
        const sentChanges = (message.user_profiles[0]?.audiences ?? []).map((a) =>
          (a.user_attributes ?? [])
            .filter((c) => c['key'] && c['action'])
            .map((c) => ('value' in c ? { ...c, value: asText(c['value']) } : c)),
        );
        // Act
        const body = await onlyBody(canonical(message));
        // Assess
        const memberships = body['memberships'] as { changes: { attributes?: unknown[] }[] }[];
        expect(canonical(memberships[0]?.changes.map((c) => c.attributes ?? []))).toBe(canonical(sentChanges));
      }),
      { numRuns: 100 },
    );
  });

  it('DsrProcessingRequest: identity values and submitted_time of any Jackson form reach the partner as Jackson reads them', async () => {
    await fc.assert(
      fc.asyncProperty(jacksonText, fc.oneof(beyond53, finiteDouble, fc.string()), async (value, submitted) => {
        const sample = officialSample('DsrProcessingRequest');
        const identities = sample['subject_identities'] as Record<string, Record<string, unknown>>;
        for (const identity of Object.values(identities)) identity['value'] = value;
        sample['submitted_time'] = submitted;
        const text = wireText(sample);
        const sent = readLossless(text);
        const body = await onlyBody(text);
        const sentIdentities = sent['subject_identities'] as Record<string, Record<string, unknown>>;
        const expected = Object.fromEntries(
          Object.entries(sentIdentities).map(([k, identity]) => [k, { ...identity, value: asText(identity['value']) }]),
        );
        expect(canonical(body['identities'])).toBe(canonical(expected));
        expect(canonical(body['submitted_time'])).toBe(canonical(sent['submitted_time']));
      }),
      { numRuns: 100 },
    );
  });
});

describe('one batch as the issue describes it', () => {
  it('null, number and boolean attribute values and a price beyond 2^53 are accepted; numbers in string maps arrive as their text', async () => {
    // Prepare
    const sample = officialSample('EventProcessingRequest_android');
    sample['user_attributes'] = { $City: null, age: 42, vip: true };
    const events = sample['events'] as Record<string, unknown>[];
    (events[0] as { attributes: unknown }).attributes = { missing: null, count: 5, flag: false };
    const product = (events[1] as { products: Record<string, unknown>[] }).products[0] as Record<string, unknown>;
    product['price'] = 12345678901234567891n;
    events[0]!['session_id'] = -2271448330363288817n;
    // Act
    const calls = await deliver(wireText(sample));
    // Assess
    const body = calls[0]?.bodyText ?? '';
    expect(body).toContain('"attributes":{"$City":null,"age":"42","vip":true}');
    expect(body).toContain('"attributes":{"missing":null,"count":"5","flag":false}');
    expect(body).toContain('"price":12345678901234567891');
    expect(body).toContain('"session_id":-2271448330363288817');
  });
});

describe('account settings of any scalar form', () => {
  it('are read as their string form for settings, and secrets travel as strings', async () => {
    // Prepare
    const sample = officialSample('EventProcessingRequest_android');
    const account = sample['account'] as { account_settings: Record<string, unknown> };
    account.account_settings = {
      apiKey: 9007199254740993n,
      'Example Boolean Setting': true,
      'Example Integer Setting': 123,
      gone: null,
    };
    const text = wireText(sample);
    // Act
    const { request } = parseFirehoseRequest(text);
    const calls = await deliver(text);
    // Assess
    if (request.type !== 'event_processing_request') throw new Error('wrong type');
    expect(accountSettings(request.account)).toEqual({
      apiKey: '9007199254740993',
      'Example Boolean Setting': 'true',
      'Example Integer Setting': '123',
    });
    expect(calls[0]?.secrets).toEqual({ apiKey: '9007199254740993' });
  });
});
