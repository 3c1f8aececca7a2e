import { vi } from 'vitest';

/** One embedded-metric-format line as Powertools Metrics writes it to stdout and CloudWatch reads it. */
export interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: ReadonlyArray<{ Name: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

/** A metric as CloudWatch would file it: name, namespace, dimension set with values, and the value. */
export interface EmittedMetric {
  readonly name: string;
  readonly namespace: string;
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly value: unknown;
}

/**
 * Runs `act` with stdout captured and returns every metric it published (the entry points flush once per
 * invocation, in their `finally`). Other stdout lines (logs) are dropped. The act's own outcome is returned too.
 */
export async function emittedMetricsOf<T>(
  act: () => Promise<T>,
): Promise<{ metrics: EmittedMetric[]; outcome: PromiseSettledResult<T> }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  let outcome: PromiseSettledResult<T>;
  try {
    outcome = { status: 'fulfilled', value: await act() };
  } catch (reason) {
    outcome = { status: 'rejected', reason };
  } finally {
    spy.mockRestore();
  }
  const lines = chunks
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
  return { metrics: lines.flatMap(metricsOfLine), outcome };
}

function metricsOfLine(line: EmfLine): EmittedMetric[] {
  return line._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.flatMap((metric) =>
      (directive.Dimensions.length === 0 ? [[]] : directive.Dimensions).map((set) => ({
        name: metric.Name,
        namespace: directive.Namespace,
        dimensions: Object.fromEntries(set.map((dimension) => [dimension, line[dimension]])),
        value: line[metric.Name],
      })),
    ),
  );
}
