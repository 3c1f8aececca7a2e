/**
 * Cold start: a fresh Node process loads the bundled ingress handler and serves its first request, against a
 * baseline process that loads an empty handler and does the same. Median of N runs, ratio to the baseline.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { median } from './stats';

const FIRST_REQUEST = JSON.stringify({
  type: 'event_processing_request',
  id: 'cold-start',
  account: { account_id: 1, account_settings: { apiKey: 'k' } },
  events: [{ type: 'custom_event', id: 'e1', name: 'x' }],
});

function probe(handlerFile: string): string {
  return `
const t0 = process.hrtime.bigint();
const { handler } = require(${JSON.stringify(handlerFile)});
const t1 = process.hrtime.bigint();
Promise.resolve(handler(JSON.parse(${JSON.stringify(FIRST_REQUEST)}), {})).then(() => {
  const t2 = process.hrtime.bigint();
  process.stdout.write('\\nCOLD-START ' + JSON.stringify({ loadMs: Number(t1 - t0) / 1e6, firstMs: Number(t2 - t1) / 1e6 }) + '\\n');
});`;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly emptyMs: number;
  readonly ingressMs: number;
  readonly ratio: number;
  readonly ingressLoadMs: number;
  readonly ingressFirstRequestMs: number;
}

export function runColdStartBench(ingressBundle: string, outDir: string, runs = 20): ColdStartResult {
  mkdirSync(outDir, { recursive: true });
  const empty = path.resolve(outDir, 'empty-handler.js');
  writeFileSync(empty, 'exports.handler = async () => ({ ok: true });\n');
  const measure = (file: string) => {
    const started = process.hrtime.bigint();
    const out = execFileSync(process.execPath, ['-e', probe(file)], {
      env: { ...process.env, LOG_LEVEL: 'ERROR', PARTNER_API_URL: '', DELIVERY_QUEUE_URL: '' },
      encoding: 'utf8',
    });
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    // The handler writes its own lines (metrics) to stdout too; the probe's result has a marker.
    const line = out.split('\n').find((l) => l.startsWith('COLD-START ')) ?? '';
    return { totalMs, ...(JSON.parse(line.slice('COLD-START '.length)) as { loadMs: number; firstMs: number }) };
  };
  const emptyRuns: number[] = [];
  const ingressRuns: ReturnType<typeof measure>[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so machine noise hits both alike.
    emptyRuns.push(measure(empty).totalMs);
    ingressRuns.push(measure(path.resolve(ingressBundle)));
  }
  const emptyMs = median(emptyRuns);
  const ingressMs = median(ingressRuns.map((r) => r.totalMs));
  return {
    runs,
    emptyMs,
    ingressMs,
    ratio: ingressMs / emptyMs,
    ingressLoadMs: median(ingressRuns.map((r) => r.loadMs)),
    ingressFirstRequestMs: median(ingressRuns.map((r) => r.firstMs)),
  };
}

if (require.main === module) {
  (async () => {
    const { bundleHandlers } = await import('./bundle');
    const bundles = await bundleHandlers('bench/out');
    console.log(Object.fromEntries(Object.entries(bundles).map(([k, v]) => [k, `${(v.bytes / 1024).toFixed(1)} KiB`])));
    console.log(runColdStartBench(bundles['ingress']?.file ?? '', 'bench/out', 10));
  })();
}
