import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFirehoseRequest } from '../../lambda/firehose';
import { PROJECT_ROOT } from '../support/run-cli';
import { EVENTS_DIR, SAMPLE_FILES } from '../support/samples';

describe('the samples in events/', () => {
  it.each(SAMPLE_FILES)('%s exists and parses as a Firehose request', (file) => {
    const full = path.join(EVENTS_DIR, file);
    expect(existsSync(full)).toBe(true);
    expect(() => parseFirehoseRequest(readFileSync(full))).not.toThrow();
  });

  it('lists every tracked request sample, and only by name (a stray checkpoint or output file is no test case)', () => {
    // The tracked samples are the JSON files at the top of events/ that are requests (a `type` ending in _request).
    const requests = readdirSync(EVENTS_DIR)
      .filter((file) => file.endsWith('.json') && !file.includes('checkpoint'))
      .filter((file) => {
        try {
          return /_request$/.test(
            String((JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as { type?: unknown }).type),
          );
        } catch {
          return false;
        }
      });
    expect([...SAMPLE_FILES].sort()).toEqual(requests.sort());
  });

  it('is the list the README table describes', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const documented = (file: string): boolean => {
      const stem = file.replace(/\.json$/, '');
      // The table groups some files: `audience-subscription-{add,update,remove}.json`, `…-verification*.json`.
      return (
        readme.includes(`\`${file}\``) ||
        [...readme.matchAll(/`([a-z-]+)(?:\{([a-z,-]+)\}|\*)?\.json`/g)].some(([, prefix, options]) =>
          options ? options.split(',').some((o) => `${prefix}${o}` === stem) : stem.startsWith(prefix ?? '\0'),
        )
      );
    };
    expect(SAMPLE_FILES.filter((file) => !documented(file))).toEqual([]);
  });
});
