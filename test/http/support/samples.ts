import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findRoute, ROUTES, type Route } from '../../../lambda/http';

/** The JSON samples at the top of events/ (not events/feed), each with its text and its kind's own route. */
export interface Sample {
  readonly file: string;
  readonly text: string;
  readonly type: string;
  readonly route: Route;
}

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');

export function loadSamples(): Sample[] {
  return readdirSync(EVENTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => {
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
