import { createServer } from 'node:net';
import type { IConstruct } from 'constructs';
import type { FirehoseAlarmSet } from '../../lib/alarms';
import { logicalIdOf, TEST_PARTNER_API_URL, synthApp } from '../cdk/support/synth';
import { propertiesOf } from '../cdk/support/template-queries';

export type FunctionKind = 'ingress' | 'worker' | 'http';

/** A custom metric an alarm watches, as the synthesized template spells it. */
export interface WatchedMetric {
  readonly metricName: string;
  readonly namespace: string;
  readonly dimensions: Record<string, unknown>;
}

export interface AlarmTemplate {
  /** Every alarm on a custom metric (namespace not AWS/…), by its key in FirehoseAlarmSet. */
  readonly watched: ReadonlyMap<keyof FirehoseAlarmSet, WatchedMetric>;
  /** Each function's literal environment (service name, namespace, …); references to AWS resources left out. */
  readonly functionEnv: Readonly<Record<FunctionKind, Record<string, string>>>;
}

/** Synthesizes the stack with the HTTP variant on (all alarms) and reads what the alarms and functions say. */
export function readAlarmTemplate(): AlarmTemplate {
  const synthesized = synthApp({ partnerApiUrl: TEST_PARTNER_API_URL, httpEndpoint: true });
  try {
    const stack = synthesized.stack();
    const template = synthesized.template();
    const { integration } = stack;
    const propertiesOfConstruct = (construct: IConstruct | undefined) =>
      propertiesOf(template, logicalIdOf(stack, construct));
    const watched = new Map(
      Object.entries(integration.alarms).flatMap(([key, alarm]): Array<[keyof FirehoseAlarmSet, WatchedMetric]> => {
        const p = propertiesOfConstruct(alarm as IConstruct);
        if (typeof p['Namespace'] !== 'string' || p['Namespace'].startsWith('AWS/')) return [];
        const dimensions = Object.fromEntries(
          (p['Dimensions'] as Array<{ Name: string; Value: unknown }>).map((d) => [d.Name, d.Value]),
        );
        return [
          [
            key as keyof FirehoseAlarmSet,
            { metricName: String(p['MetricName']), namespace: p['Namespace'], dimensions },
          ],
        ];
      }),
    );
    const envOf = (fn: IConstruct | undefined): Record<string, string> => {
      const variables = (propertiesOfConstruct(fn)['Environment'] as { Variables: Record<string, unknown> }).Variables;
      return Object.fromEntries(
        Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    };
    return {
      watched,
      functionEnv: {
        ingress: envOf(integration.ingressFunction),
        worker: envOf(integration.workerFunction),
        http: envOf(integration.httpFunction),
      },
    };
  } finally {
    synthesized.dispose();
  }
}

/** A loopback endpoint nothing listens on: a queue there is unreachable (connection refused). */
export async function closedLoopbackEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
