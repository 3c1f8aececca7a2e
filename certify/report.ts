import type { CheckResult } from './types';

/** The report: a table for people, JSON for CI. */

export function passed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status !== 'fail');
}

const SYMBOL = { pass: 'pass', fail: 'FAIL', note: 'note' } as const;

export function formatTable(results: readonly CheckResult[], width = 160): string {
  const rows = results.map((r) => [r.check, r.region, SYMBOL[r.status], r.latency ?? '', r.detail]);
  const header = ['check', 'region', 'result', 'latency', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fixed = widths.slice(0, 4).reduce((a, b) => a + b + 2, 0);
  const detailWidth = Math.max(20, width - fixed);
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) =>
        i < 4
          ? cell.padEnd(widths[i] as number)
          : cell.length > detailWidth
            ? `${cell.slice(0, detailWidth - 1)}…`
            : cell,
      )
      .join('  ')
      .trimEnd();
  const failures = results.filter((r) => r.status === 'fail').length;
  const regions = new Set(results.map((r) => r.region)).size;
  const summary = failures
    ? `${failures} of ${results.length} checks failed`
    : `all ${results.length} checks passed${regions > 1 ? ` in ${regions} regions` : ''}`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', summary, ''].join('\n');
}

export function formatJson(results: readonly CheckResult[]): string {
  return `${JSON.stringify({ passed: passed(results), checks: results }, null, 2)}\n`;
}
