import type { Template } from 'aws-cdk-lib/assertions';
import { referencedLogicalId, resourcesOfType } from './template-queries';

/** One line of a graph widget, read from CloudWatch's `[namespace, name, dim, value, …, {options}]` form. */
export interface DashboardMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface DashboardWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
    readonly annotations?: { readonly horizontal?: ReadonlyArray<{ readonly value: number; readonly label?: string }> };
  };
}

export interface ParsedDashboard {
  readonly logicalId: string;
  readonly name: unknown;
  /** The Fn::Join pieces that are plain strings, concatenated: what the brief calls "the joined string". */
  readonly joinedText: string;
  readonly widgets: readonly DashboardWidget[];
  readonly metrics: readonly DashboardMetric[];
}

/**
 * The dashboard body is a Fn::Join of JSON text and references (function names, queue names, alarm ARNs,
 * the region). Each reference becomes a `<ref:LogicalId>` placeholder inside its JSON string, so the
 * whole body parses as JSON and its metrics can be compared field by field.
 */
export function parseDashboards(template: Template): ParsedDashboard[] {
  return resourcesOfType(template, 'AWS::CloudWatch::Dashboard').map(([logicalId, resource]) => {
    const pieces = joinPieces(resource.Properties?.['DashboardBody']);
    const text = pieces
      .map((piece) => (typeof piece === 'string' ? piece : `<ref:${referencedLogicalId(piece) ?? 'unknown'}>`))
      .join('');
    const body = JSON.parse(text) as { widgets: DashboardWidget[] };
    return {
      logicalId,
      name: resource.Properties?.['DashboardName'],
      joinedText: pieces.filter((piece): piece is string => typeof piece === 'string').join(''),
      widgets: body.widgets,
      metrics: body.widgets.flatMap((widget) =>
        (widget.properties.metrics ?? []).map((line) => readMetric(widget.properties.title ?? '', line)),
      ),
    };
  });
}

function joinPieces(body: unknown): unknown[] {
  if (typeof body === 'string') return [body];
  const join = (body as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (join === undefined || join[0] !== '') throw new Error(`unexpected DashboardBody ${JSON.stringify(body)}`);
  return join[1];
}

function readMetric(widget: string, line: unknown[]): DashboardMetric {
  const last = line.at(-1);
  const options = typeof last === 'object' && last !== null ? (last as Record<string, unknown>) : {};
  const names = typeof last === 'object' && last !== null ? line.slice(0, -1) : line;
  if (!names.every((part): part is string => typeof part === 'string') || names.length < 2 || names.length % 2 !== 0) {
    throw new Error(`not a plain metric line in "${widget}": ${JSON.stringify(line)}`);
  }
  const [namespace, metricName, ...pairs] = names as [string, string, ...string[]];
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
  return { widget, namespace, metricName, dimensions, options };
}
