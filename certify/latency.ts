import type { Answer, CheckResult } from './types';

/**
 * Latency against mParticle's budget: the first call (cold when the container was idle) and the rest
 * (warm) are judged apart. When Lambda returns its REPORT line, the function's own duration is judged (the
 * round trip from this machine includes a network mParticle does not cross) and the round trip is shown.
 */

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

export function latencyChecks(
  answers: readonly Answer[],
  budgetMs: number,
  where: { region: string; target: string },
): CheckResult[] {
  const [first, ...rest] = answers;
  if (!first) return [];
  // mParticle waits for the init of a new container too: Lambda reports it apart from Duration.
  const judged = (a: Answer): number => (a.functionMs === undefined ? a.ms : a.functionMs + (a.initMs ?? 0));
  const measure = answers.every((a) => a.functionMs !== undefined) ? 'function duration (REPORT line)' : 'round trip';
  const results: CheckResult[] = [];

  const coldOver = judged(first) > budgetMs;
  results.push({
    ...where,
    check: 'latency: first call',
    // A cold start over budget is reported, not failed: mParticle retries, and provisioned concurrency removes it.
    status: coldOver ? 'note' : 'pass',
    latency: ms(judged(first)),
    detail: `${measure}${first.initMs !== undefined ? `, cold start (init ${ms(first.initMs)})` : ''}${first.functionMs !== undefined ? `; round trip ${ms(first.ms)}` : ''}${coldOver ? `; over the ${budgetMs} ms budget` : ''}`,
  });
  if (rest.length === 0) return results;

  const values = rest.map(judged);
  const p50 = percentile(values, 50);
  const p99 = percentile(values, 99);
  const over = [p50 > budgetMs ? 'p50' : '', p99 > budgetMs ? 'p99' : ''].filter(Boolean);
  const roundTrip = rest.every((a) => a.functionMs !== undefined)
    ? `; round trip p50 ${ms(
        percentile(
          rest.map((a) => a.ms),
          50,
        ),
      )}`
    : '';
  results.push({
    ...where,
    check: `latency: warm (${rest.length} calls)`,
    status: over.length === 0 ? 'pass' : 'fail',
    latency: `p50 ${ms(p50)} / p99 ${ms(p99)}`,
    detail: `${measure}, budget ${budgetMs} ms${roundTrip}${over.length ? `; ${over.join(' and ')} over budget` : ''}`,
  });
  return results;
}
