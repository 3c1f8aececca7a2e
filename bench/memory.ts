/**
 * Memory across warm invocations: RSS and heap after 1,000 invocations (warm) and after 10,000, in one
 * container-like process with the partner and queue stubbed (the dry-run delivery). Growth beyond the
 * bound would mean state kept across invocations (a leak).
 */
import { createLogger } from '../lambda/observability/logger';
import { createIngressFunction } from '../lambda/composition/ingress-function';
import { customEvents, eventBatch } from '../test/support/factories';

/** Heap growth allowed between invocation 1,000 and 10,000 (RSS is reported too, but V8 keeps freed pages). */
export const HEAP_GROWTH_BOUND_MB = 5;

export interface MemoryResult {
  readonly invocations: number;
  readonly warmRssMb: number;
  readonly finalRssMb: number;
  readonly warmHeapMb: number;
  readonly finalHeapMb: number;
  readonly heapGrowthMb: number;
  readonly rssGrowthMb: number;
  readonly boundMb: number;
  readonly gcExposed: boolean;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function runMemoryBench(invocations = 10_000): Promise<MemoryResult> {
  // The function as a container builds it, delivering as a dry run (I/O stubbed, nothing kept per call).
  const runtime = createIngressFunction({
    env: {},
    logger: createLogger('firehose-ingress', 'SILENT'),
    service: 'firehose-ingress',
  });
  const text = JSON.stringify(eventBatch(customEvents(100)));
  const gc = (globalThis as { gc?: () => void }).gc;
  const snapshot = () => {
    gc?.();
    const usage = process.memoryUsage();
    return { rss: usage.rss, heap: usage.heapUsed };
  };
  const runMany = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await runtime.handle(text);
    }
  };
  await runMany(1_000);
  const warm = snapshot();
  await runMany(invocations - 1_000);
  const final = snapshot();
  return {
    invocations,
    warmRssMb: mb(warm.rss),
    finalRssMb: mb(final.rss),
    warmHeapMb: mb(warm.heap),
    finalHeapMb: mb(final.heap),
    heapGrowthMb: mb(final.heap - warm.heap),
    rssGrowthMb: mb(final.rss - warm.rss),
    boundMb: HEAP_GROWTH_BOUND_MB,
    gcExposed: gc !== undefined,
  };
}

if (require.main === module) {
  // Run as its own process (bench/run.ts does), so earlier benchmarks' memory does not blur the figures.
  runMemoryBench().then((r) => {
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(r) : `${JSON.stringify(r, null, 2)}\n`);
    process.exit(0);
  });
}
