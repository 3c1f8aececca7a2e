import { describe, expect, it } from 'vitest';
import { processRequest } from '../../lambda/core/process-request';
import {
  asSent,
  parseFirehoseRequest,
  parseJson,
  stringifyJson,
  type EventProcessingRequest,
} from '../../lambda/firehose';
import { integration as kitIntegration } from '../support/kit-integration';
import { recordingPort } from '../support/recording-port';

/**
 * Events a mapping forwards unchanged are written as the request's own text for them (as-sent.ts) when the
 * request's checks changed nothing in them, and from the tree otherwise.
 */

/** Events as mParticle could write them: spaces, an escape, a 64-bit id, decimals the double prints otherwise. */
const EVENTS_TEXT = `[ {"type":"custom_event", "name":"caf\\u00e9", "session_id":-2271448330363288817,
  "attributes":{"b":"1","a":"2"}, "custom_flags":{"x":"y"}, "extra":{"price":1.10,"big":1e400,"z":-0}},
  {"type":"screen_view","screen_name":"home","session_id":4957918240501247982} ]`;

const batch = (events: string) => `{"type":"event_processing_request","id":"r1","events":${events}}`;

function eventsOf(text: string): unknown[] {
  const { request } = parseFirehoseRequest(text);
  if (request.type !== 'event_processing_request') throw new Error('not an event batch');
  return request.events;
}

describe('asSent', () => {
  it('writes events the checks left unchanged as the text the request had for them', () => {
    const events = eventsOf(batch(EVENTS_TEXT));
    expect(stringifyJson({ n: 1, events: asSent(events) })).toBe(`{"n":1,"events":${EVENTS_TEXT}}`);
  });

  it('copies the text of the last `events` when the key repeats, as JSON.parse keeps the last', () => {
    const events = eventsOf(`{"type":"event_processing_request","id":"r1","events":[],"events":${EVENTS_TEXT}}`);
    expect(stringifyJson(asSent(events))).toBe(EVENTS_TEXT);
  });

  it.each([
    ['a number in a text field', '[{"type":"custom_event","name":5}]', '[{"type":"custom_event","name":"5"}]'],
    [
      'a number in a string map',
      '[{"type":"custom_event","attributes":{"a":1.10}}]',
      '[{"type":"custom_event","attributes":{"a":"1.10"}}]',
    ],
    [
      'a number in a string list',
      '[{"type":"error","breadcrumbs":["a",2]}]',
      '[{"type":"error","breadcrumbs":["a","2"]}]',
    ],
    [
      'a null in a list of objects',
      '[{"type":"user_identity_change","added":[null]}]',
      '[{"type":"user_identity_change","added":[]}]',
    ],
    ['an unknown event type', '[{"type":"hologram"},{"type":"session_start"}]', '[{"type":"session_start"}]'],
    ['a null event', '[null,{"type":"session_start"}]', '[{"type":"session_start"}]'],
  ])('writes the checked tree when the checks changed the events: %s', (_case, sent, written) => {
    const events = eventsOf(batch(sent));
    expect(asSent(events)).toBe(events);
    expect(stringifyJson(asSent(events))).toBe(written);
  });

  it('writes the tree for a request someone else parsed (there is no text)', () => {
    const events = eventsOf(JSON.parse(batch('[{"type":"session_start","session_id":1}]')));
    expect(asSent(events)).toBe(events);
  });

  it('writes the tree, escaped, when the text holds a lone surrogate (UTF-8 cannot carry it raw)', () => {
    const events = eventsOf(batch('[{"type":"custom_event","name":"a\uD800b"}]'));
    expect(asSent(events)).toBe(events);
    expect(stringifyJson(asSent(events))).toBe('[{"type":"custom_event","name":"a\\ud800b"}]');
  });

  it('writes the tree when a mark did not reach the output (a toJSON of the data wrote the list itself)', () => {
    const events = eventsOf(batch('[ {"type":"screen_view","screen_name":"home"} ]'));
    const sent = asSent(events);
    const body = { quoted: { toJSON: () => JSON.stringify(sent) }, events: sent };
    const list = '[{"type":"screen_view","screen_name":"home"}]';
    expect(stringifyJson(body)).toBe(`{"quoted":${JSON.stringify(list)},"events":${list}}`);
  });

  it('is written as the list itself by any other JSON.stringify', () => {
    const events = eventsOf(batch('[{"type":"screen_view","screen_name":"home"}]'));
    expect(JSON.stringify({ events: asSent(events) })).toBe('{"events":[{"type":"screen_view","screen_name":"home"}]}');
  });

  it("reaches a mapping through the core: a whole batch's events are the request's own list", async () => {
    const recorder = recordingPort();
    const integration = {
      ...kitIntegration,
      mapEvents: (request: EventProcessingRequest) => ({ path: '/events', body: { events: asSent(request.events) } }),
    };
    await processRequest(parseFirehoseRequest(batch(EVENTS_TEXT)), {
      integration,
      delivery: recorder.port,
      maxMessageBytes: 256 * 1024,
      suspendOnAuthFailure: false,
    });
    const bodyText = recorder.inline[0]?.bodyText ?? '';
    expect(bodyText).toBe(`{"events":${EVENTS_TEXT}}`);
    expect((parseJson(bodyText) as { events: { session_id: unknown }[] }).events[0]?.session_id).toBe(
      -2271448330363288817n,
    );
  });
});
