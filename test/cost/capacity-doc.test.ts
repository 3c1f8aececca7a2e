import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityDoc } from '../../bench/cost';

/**
 * docs/capacity.md is written by `npm run bench -- --update` from bench/capacity-intro.md and the measured
 * tables: the committed file must be exactly what the generator writes, so an update keeps every hand-written
 * section (the inbound feeds one included) and a hand edit to the doc alone shows up here.
 */

const ROOT = path.join(__dirname, '..', '..');
const template = readFileSync(path.join(ROOT, 'bench', 'capacity-intro.md'), 'utf8');
const doc = readFileSync(path.join(ROOT, 'docs', 'capacity.md'), 'utf8');

describe('docs/capacity.md', () => {
  it('is what the generator writes from bench/capacity-intro.md (only the tables and the date are measured)', () => {
    // Prepare: the measured parts, read back from the committed doc
    const date = /\) on (\d{4}-\d{2}-\d{2});/.exec(doc)?.[1];
    const [head = '', tail = ''] = template.split('{{tables}}');
    const before = head.replace('{{date}}', date ?? '?').trimEnd();
    const after = tail.trim();
    expect(doc.startsWith(before)).toBe(true);
    expect(doc.endsWith(`${after}\n`)).toBe(true);
    const tables = doc.slice(before.length, doc.length - after.length - 1);

    // Act
    const regenerated = capacityDoc(template, tables, date ?? '?');

    // Assess
    expect(tables).toContain('**Capacity model**');
    expect(regenerated).toBe(doc);
  });

  it('keeps the inbound feeds section when the tables change', () => {
    const regenerated = capacityDoc(template, '| new | tables |', '2027-01-01');
    expect(regenerated).toContain('on 2027-01-01;');
    expect(regenerated).toContain('| new | tables |\n\n## Inbound feeds: N customers × upload sizes');
    expect(regenerated).toContain('| 1,000 | 1,000 | Lambda concurrency');
    expect(regenerated).not.toContain('{{');
  });
});
