/**
 * Why valibot: the same event schema in valibot and zod, timed on a 1,000-event request in one run, and
 * the parse cost of the kit's own parser against bare JSON.parse. `npx tsx bench/schema-choice.ts`.
 */
import * as v from 'valibot';
import { z } from 'zod';
import { parseFirehoseRequest } from '../lambda/firehose';
import { customEvents, eventBatch } from '../test/support/factories';
import { median } from './stats';

const text = JSON.stringify(eventBatch(customEvents(1_000)));
const parsed = JSON.parse(text) as { events: unknown[] };

const optStr = v.optional(v.string());
const valibotEvent = v.looseObject({
  type: v.literal('custom_event'),
  id: optStr,
  timestamp_ms: v.optional(v.number()),
  source_id: optStr,
  session_id: v.optional(v.union([v.number(), v.bigint()])),
  name: optStr,
  custom_event_type: optStr,
  attributes: v.optional(v.record(v.string(), v.string())),
});
const zodEvent = z.looseObject({
  type: z.literal('custom_event'),
  id: z.string().optional(),
  timestamp_ms: z.number().optional(),
  source_id: z.string().optional(),
  session_id: z.union([z.number(), z.bigint()]).optional(),
  name: z.string().optional(),
  custom_event_type: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

function time(label: string, fn: () => void, runs = 300): { label: string; medianMs: number } {
  for (let i = 0; i < 30; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return { label, medianMs: median(samples) };
}

const results = [
  time('JSON.parse (baseline)', () => JSON.parse(text)),
  time('valibot: 1,000 events', () => parsed.events.forEach((e) => v.parse(valibotEvent, e))),
  time('zod 4: 1,000 events', () => parsed.events.forEach((e) => zodEvent.parse(e))),
  time('kit parser from text (JSON + validation)', () => parseFirehoseRequest(text)),
];
const baseline = results[0]?.medianMs ?? 1;
for (const r of results)
  console.log(`${r.label.padEnd(44)} ${r.medianMs.toFixed(3)} ms  ×${(r.medianMs / baseline).toFixed(2)}`);
