import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findRoute, ROUTES, type Route } from '../../../lambda/http';
import { SAMPLE_FILES } from '../../support/samples';

/** The JSON samples the tests own (test/support/samples.ts), each with its text and its kind's own route. */
export interface Sample {
  readonly file: string;
  readonly text: string;
  readonly type: string;
  readonly route: Route;
}

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');

export function loadSamples(): Sample[] {
  return SAMPLE_FILES.map((name) => ({ name })).map((entry) => {
    const text = readFileSync(path.join(EVENTS_DIR, entry.name), 'utf8');
    const type = String((JSON.parse(text) as { type?: unknown }).type);
    const route = ROUTES.find((r) => r.accepts?.some((accepted) => accepted === type)) ?? findRoute('/firehose');
    if (!route) throw new Error(`no route for ${entry.name}`);
    return { file: entry.name, text, type, route };
  });
}

export function sample(file: string): Sample {
  const found = loadSamples().find((s) => s.file === file);
  if (!found) throw new Error(`no sample ${file}`);
  return found;
}
