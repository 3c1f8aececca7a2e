import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** A non-blank NDJSON line and its 1-based number in the source (blank lines count but are skipped). */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

/** An NDJSON input: a file, an S3 object, a string. `name` identifies it in reports and checkpoints. */
export interface LineSource {
  readonly name: string;
  lines(): AsyncIterable<NumberedLine>;
}

const BOM = '\uFEFF';

/** Streams a file line by line, so a large file is never held whole in memory. */
export function fileLineSource(path: string, name: string = path): LineSource {
  return {
    name,
    async *lines() {
      const reader = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
      let line = 0;
      for await (const raw of reader) {
        line += 1;
        const text = line === 1 && raw.startsWith(BOM) ? raw.slice(1) : raw;
        if (text.trim() !== '') yield { line, text };
      }
    },
  };
}

/** Lines of a string already in memory (an S3 object's body). */
export function textLineSource(name: string, content: string): LineSource {
  return {
    name,
    async *lines() {
      let line = 0;
      let start = content.startsWith(BOM) ? 1 : 0;
      while (start <= content.length) {
        const end = content.indexOf('\n', start);
        const stop = end === -1 ? content.length : end;
        line += 1;
        const text = content.slice(start, stop).replace(/\r$/, '');
        if (text.trim() !== '') yield { line, text };
        if (end === -1) break;
        start = end + 1;
      }
    },
  };
}
