import type { HandlerRow } from './handler';
import type { HttpLatencyResult } from './http-latency';
import type { LoadRow } from './load';
import type { MemoryResult } from './memory';

/** The bench's targets (README "Performance"), each judged pass or miss on one run's figures. */
export const TARGETS = { handlerRatio: 1.5, coldStartRatio: 1.5, loadP99Ms: 200, httpP99Ms: 100, ingressBundleKiB: 150, heapGrowthMb: 5 };

export interface TargetCheck {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean;
}

export function checkTargets(figures: {
  handler: readonly HandlerRow[];
  load: readonly LoadRow[];
  /** Absent in results written before the HTTP step existed. */
  http?: HttpLatencyResult;
  coldStartRatio: number;
  ingressBundleBytes: number | undefined;
  memory: MemoryResult;
}): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (name: string, value: number, unit: string, limit: number): void =>
    void checks.push({ name, value: `${value.toFixed(2)}${unit}`, target: `≤ ${limit}${unit}`, pass: value <= limit });
  for (const row of figures.handler.filter((r) => r.mode === 'stubbed' && /^1(00|,000) events$/.test(r.case))) {
    check(`${row.case}, I/O stubbed, vs JSON baseline`, row.ratio, '×', TARGETS.handlerRatio);
  }
  const kit = figures.load.find((r) => !r.target.includes('baseline'));
  if (kit) check('p99 under load through the Invoke API', kit.p99Ms, ' ms', TARGETS.loadP99Ms);
  // mParticle's HTTP budget is absolute (100 ms), so the figure is judged; the same-run ratio is shown with it.
  if (figures.http) {
    const { p99Ms, p99Ratio } = figures.http;
    checks.push({
      name: 'HTTP endpoint p99, 100-event calls one at a time',
      value: `${p99Ms.toFixed(2)} ms, ${p99Ratio.toFixed(2)}× a bare server's`,
      target: `≤ ${TARGETS.httpP99Ms} ms`,
      pass: p99Ms <= TARGETS.httpP99Ms,
    });
  }
  check('cold start vs an empty handler', figures.coldStartRatio, '×', TARGETS.coldStartRatio);
  if (figures.ingressBundleBytes !== undefined) check('ingress bundle', figures.ingressBundleBytes / 1024, ' KiB', TARGETS.ingressBundleKiB);
  check('heap growth over 10,000 invocations', figures.memory.heapGrowthMb, ' MB', TARGETS.heapGrowthMb);
  return checks;
}

export function formatChecks(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `  ${c.pass ? 'pass' : 'MISS'}  ${c.name}: ${c.value} (target ${c.target})`).join('\n');
}
