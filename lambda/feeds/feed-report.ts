import type { FeedStop } from './bulk-delivery';
import type { FeedRunReport } from './feed-run';

/** 0: everything sent; 1: finished, but some batches were rejected; 2: stopped (or could not start). */
export type FeedExitCode = 0 | 1 | 2;

export function exitCodeFor(report: Pick<FeedRunReport, 'rejected' | 'stop'>, rejectedInEarlierRuns = 0): FeedExitCode {
  if (report.stop) return 2;
  return report.rejected.length + rejectedInEarlierRuns > 0 ? 1 : 0;
}

export interface SummaryContext {
  readonly input: string;
  /** The registered customer the run sent for, when there is one. */
  readonly customer?: string | undefined;
  readonly endpoint: string;
  readonly checkpointPath?: string;
  /** Totals of earlier runs resumed from the checkpoint. */
  readonly earlier?: { readonly sent: number; readonly historical: number; readonly rejected: number };
  /** Batches neither handled now nor before (left for the next run when stopped). */
  readonly notSent?: number;
  /** Rejection reasons printed in full; the rest are counted. */
  readonly maxListedRejections?: number;
}

/** The end-of-run summary for people: counts, reasons, rates. Never contains credentials. */
export function formatSummary(report: FeedRunReport, context: SummaryContext): string {
  const seconds = report.elapsedMs / 1000;
  const handledNow = report.sent + report.rejected.length;
  const rate = seconds > 0 ? handledNow / seconds : 0;
  const maxListed = context.maxListedRejections ?? 50;
  const lines = [
    'Feed summary',
    ...(context.customer ? [`  customer:    ${context.customer}`] : []),
    `  input:       ${context.input}`,
    `  endpoint:    ${context.endpoint}`,
    `  sent:        ${report.sent} batch(es), of which historical: ${report.historical}`,
    `  rejected:    ${report.rejected.length}`,
    ...report.rejected
      .slice(0, maxListed)
      .map((rejection) => `    - ${describeRejection(rejection.ref.source, rejection.reason)}`),
    ...(report.rejected.length > maxListed ? [`    … and ${report.rejected.length - maxListed} more`] : []),
    `  retries:     ${report.retries} (waited ${formatSeconds(report.waitedMs)} in total, longest wait ${formatSeconds(report.longestWaitMs)})`,
    `  requests:    ${report.requests}`,
    `  elapsed:     ${formatSeconds(report.elapsedMs)}`,
    `  throughput:  ${rate.toFixed(1)} batches/s`,
  ];
  if (report.skipped > 0 || context.earlier) {
    const earlier = context.earlier;
    lines.push(
      `  resumed:     ${report.skipped} line(s) skipped as already handled` +
        (earlier
          ? ` (earlier runs: sent ${earlier.sent}, historical ${earlier.historical}, rejected ${earlier.rejected})`
          : ''),
    );
  }
  if (report.withPartnerIdentities > 0)
    lines.push(`  warning:     ${partnerIdentitiesWarning(report.withPartnerIdentities)}`);
  if (report.unsent > 0 || (context.notSent ?? 0) > 0) {
    lines.push(`  not sent:    ${Math.max(report.unsent, context.notSent ?? 0)} batch(es), to be sent by the next run`);
  }
  if (context.checkpointPath) lines.push(`  checkpoint:  ${context.checkpointPath}`);
  const result = alreadyDone(report)
    ? `nothing sent: all ${report.skipped} line(s) were handled by an earlier run to this destination${context.checkpointPath ? ` (delete ${context.checkpointPath} to send them again)` : ''}`
    : describeResult(report.stop, report.rejected.length + (context.earlier?.rejected ?? 0));
  lines.push(`  result:      ${result}`);
  return `${lines.join('\n')}\n`;
}

/** Said in the CLI summary and the function's log when batches carry partner identities. */
export function partnerIdentitiesWarning(batches: number): string {
  return `${batches} batch(es) carry partner identities: a Custom Feed (the way to test in your own account) does not accept them; they take effect only through your registered partner feed`;
}

/** True when the run found every line handled by earlier runs and so sent nothing (it must say so plainly). */
export function alreadyDone(
  report: Pick<FeedRunReport, 'sent' | 'rejected' | 'unsent' | 'skipped' | 'stop'>,
  lines?: number,
): boolean {
  const nothingNew = report.sent === 0 && report.rejected.length === 0 && report.unsent === 0 && !report.stop;
  return nothingNew && report.skipped > 0 && (lines === undefined || report.skipped >= lines);
}

function describeRejection(source: string, reason: string): string {
  // Reasons already start with "line N:"; prefix the source for multi-file inputs.
  return `${source} ${reason}`;
}

function describeResult(stop: FeedStop | undefined, rejected: number): string {
  if (stop) return `STOPPED (${stop.kind}): ${stop.message}`;
  return rejected > 0 ? `finished, ${rejected} batch(es) rejected` : 'all batches sent';
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
