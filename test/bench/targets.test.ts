import { describe, expect, it } from 'vitest';
import { checkTargets, formatChecks } from '../../bench/targets';

describe('npm run bench: each target with pass or miss', () => {
  it('judges every target of one run and prints one line each', () => {
    // Prepare: figures like a real run's, one target missed. The load row passes against the empty handler
    // through the same pool (p99 32), and would miss against the bare server (p99 5), kept for reference.
    const figures = {
      handler: [
        { case: '100 events', mode: 'baseline' as const, medianMs: 0.1, p99Ms: 0.2, ratio: 1 },
        { case: '100 events', mode: 'stubbed' as const, medianMs: 0.2, p99Ms: 0.3, ratio: 1.84 },
        { case: '1,000 events', mode: 'stubbed' as const, medianMs: 1.4, p99Ms: 2, ratio: 1.15 },
      ],
      load: [
        {
          kind: 'bare-server' as const,
          target: 'bare HTTP server (reference)',
          connections: 20,
          seconds: 10,
          requests: 1,
          p50Ms: 1,
          p99Ms: 5,
          maxMs: 9,
          errors: 0,
          non2xx: 0,
        },
        {
          kind: 'empty-handler' as const,
          target: 'empty handler via the same Invoke API and pool (baseline)',
          connections: 20,
          seconds: 10,
          requests: 1,
          p50Ms: 1,
          p99Ms: 32,
          maxMs: 62,
          errors: 0,
          non2xx: 0,
        },
        {
          kind: 'ingress' as const,
          target: 'ingress via Invoke API',
          connections: 20,
          seconds: 10,
          requests: 1,
          p50Ms: 32,
          p99Ms: 71,
          maxMs: 108,
          errors: 0,
          non2xx: 0,
        },
      ],
      http: { requests: 200, baselineMedianMs: 1.2, baselineP99Ms: 10.8, medianMs: 3.5, p99Ms: 25.4, p99Ratio: 2.35 },
      coldStartRatio: 1.22,
      ingressBundleBytes: 83 * 1024,
      memory: {
        invocations: 10_000,
        warmRssMb: 1,
        finalRssMb: 1,
        warmHeapMb: 7.7,
        finalHeapMb: 7.6,
        heapGrowthMb: -0.1,
        rssGrowthMb: 0,
        boundMb: 5,
        gcExposed: true,
      },
    };
    // Act
    const checks = checkTargets(figures);
    // Assess
    expect(checks.map((c) => [c.name, c.pass])).toEqual([
      ['100 events, I/O stubbed, vs JSON baseline', false],
      ['1,000 events, I/O stubbed, vs JSON baseline', true],
      ['p99 under load through the Invoke API (20 callers, partner 20 ms)', true],
      ['HTTP endpoint p99, 100-event calls one at a time', true],
      ['cold start vs an empty handler', true],
      ['ingress bundle', true],
      ['heap growth over 10,000 invocations', true],
    ]);
    expect(formatChecks(checks).split('\n')[0]).toBe(
      '  MISS  100 events, I/O stubbed, vs JSON baseline: 1.84× (target ≤ 1.2×)',
    );
    expect(formatChecks(checks).split('\n')[2]).toBe(
      '  pass  p99 under load through the Invoke API (20 callers, partner 20 ms): 71 ms (target ≤ 72 ms (empty handler in the same local system, Invoke API and pool: p99 32 + 20 + 20))',
    );
    expect(formatChecks(checks).split('\n')[3]).toBe(
      "  pass  HTTP endpoint p99, 100-event calls one at a time: 25.40 ms, 2.35× a bare server's (target ≤ 100 ms)",
    );
  });

  it("misses the HTTP target when its p99 is over mParticle's 100 ms, and leaves it out for results without the HTTP step", () => {
    // Prepare
    const base = {
      handler: [],
      load: [],
      coldStartRatio: 1,
      ingressBundleBytes: undefined,
      memory: {
        invocations: 1,
        warmRssMb: 1,
        finalRssMb: 1,
        warmHeapMb: 1,
        finalHeapMb: 1,
        heapGrowthMb: 0,
        rssGrowthMb: 0,
        boundMb: 5,
        gcExposed: true,
      },
    };
    const slow = { requests: 200, baselineMedianMs: 1, baselineP99Ms: 10, medianMs: 60, p99Ms: 140, p99Ratio: 14 };
    // Act
    const withSlowHttp = checkTargets({ ...base, http: slow });
    const withoutHttp = checkTargets(base);
    // Assess
    expect(withSlowHttp.find((c) => c.name.startsWith('HTTP endpoint'))?.pass).toBe(false);
    expect(withoutHttp.some((c) => c.name.startsWith('HTTP endpoint'))).toBe(false);
  });

  it('judges the flaky-partner warm answers (< 200 ms), the HTTP first answer (< 100 ms) and the delivering cold start', () => {
    // Prepare
    const base = {
      handler: [],
      load: [],
      coldStartRatio: 1.2,
      coldStartDeliveringRatio: 1.6,
      ingressBundleBytes: undefined,
      memory: {
        invocations: 1,
        warmRssMb: 1,
        finalRssMb: 1,
        warmHeapMb: 1,
        finalHeapMb: 1,
        heapGrowthMb: 0,
        rssGrowthMb: 0,
        boundMb: 5,
        gcExposed: true,
      },
      firstSpill: { rounds: 4, rows: [], flakyWarmP99Ms: 150, flakyWarmP99WithoutWarmUpMs: 216, healthyWarmP99Ms: 9 },
      httpHanging: [
        {
          handler: 'function' as const,
          which: 'first' as const,
          answers: '',
          count: 8,
          p50Ms: 80,
          p99Ms: 100,
          maxMs: 100,
          not202: 0,
        },
        {
          handler: 'function' as const,
          which: 'all' as const,
          answers: '',
          count: 160,
          p50Ms: 9,
          p99Ms: 99,
          maxMs: 100,
          not202: 0,
        },
        {
          handler: 'bare' as const,
          which: 'first' as const,
          answers: '',
          count: 8,
          p50Ms: 12,
          p99Ms: 18,
          maxMs: 18,
          not202: 0,
        },
      ],
    };

    // Act
    const checks = checkTargets(base);

    // Assess: 150 < 200 passes; 100 is not under 100; 1.6× is over 1.5×.
    expect(checks.map((c) => [c.name, c.pass])).toEqual([
      ['warm answers with a flaky partner, first spills included (p99, Lambda path)', true],
      ['HTTP first answer of a fresh process, partner never answers (slowest)', false],
      ['cold start vs an empty handler', true],
      ['cold start delivering its first call in-line vs an empty handler', false],
      ['heap growth over 10,000 invocations', true],
    ]);
    expect(formatChecks(checks).split('\n')[0]).toBe(
      '  pass  warm answers with a flaky partner, first spills included (p99, Lambda path): 150 ms (without the spill warm-up: 216 ms) (target < 200 ms)',
    );
    expect(formatChecks(checks).split('\n')[1]).toBe(
      '  MISS  HTTP first answer of a fresh process, partner never answers (slowest): 100 ms (bare 202 handler: 18 ms) (target < 100 ms)',
    );
  });
});
