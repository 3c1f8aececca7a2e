import type { CapacityRow, Quotas } from './capacity-model';
import type { CostTable, Durations, QueueShape } from './cost-model';
import type { ModelInputs } from './inputs';
import type { Prices } from './prices';

/** Markdown tables of the cost and capacity models, for the bench output and docs/capacity.md. */

const number = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const usd = (value: number): string =>
  value === 0 ? '$0' : value < 0.001 ? `$${value.toExponential(1)}` : `$${value.toFixed(4)}`;

export function costTableMarkdown(table: CostTable): string {
  const rows = table.lines.map(
    (l) => `| ${l.item} | ${number(l.quantity, l.quantity < 10 ? 2 : 0)} ${l.unit} | ${usd(l.usd)} |`,
  );
  return [
    `**Cost ${table.title}**`,
    '',
    '| item | quantity | USD |',
    '|---|---|---|',
    ...rows,
    `| **total** | | **${usd(table.totalUsd)}** |`,
  ].join('\n');
}

export function pricesMarkdown(prices: Prices): string {
  return [
    `Prices used (${prices.region}, ${prices.architecture}; ${prices.takenOn}): Lambda $${prices.lambdaGbSecond} per GB-s and`,
    `$${number(prices.lambdaRequest * 1e6, 2)} per million requests; SQS $${number(prices.sqsRequest * 1e6, 2)} per million requests (64 KiB chunks);`,
    `KMS $${number(prices.kmsRequest * 1e4, 2)} per 10,000 requests (plus $1 a month per key); CloudWatch Logs $${prices.logsIngestGb} per GB ingested.`,
    'Not included: free tiers, data transfer, log storage, the alarms and dashboard (a fixed monthly amount), the idle polling of the',
    "worker's event source (a few hundred thousand SQS requests a month whatever the traffic).",
  ].join('\n');
}

export function inputsMarkdown(inputs: ModelInputs, d: Durations, shape: QueueShape): string {
  return [
    `Inputs (${inputs.source}): ingress work ${number(inputs.ingressBaseMs, 3)} ms + ${number(inputs.ingressPerEventMs, 4)} ms per event`,
    `or ${number(inputs.ingressPerProfileMs, 4)} ms per profile on the bench machine, × ${number(inputs.lambdaCpuSlowdown, 2)} for the CPU share of 1,024 MB;`,
    `partner answers in ${inputs.partnerInlineMs} ms in-line and ${inputs.partnerQueuedMs} ms for a queued bulk call (assumed); one SQS send ${inputs.sqsSendMs} ms (assumed).`,
    `Billed durations: ingress ${d.ingressEventMs} ms per event batch, ${d.ingressMembershipMs} ms per membership request; worker ${d.workerBatchMs} ms per batch of ${inputs.workerBatchSize}.`,
    `A ${inputs.profilesPerRequest}-profile request is ${shape.messagesPerRequest} queue message(s) of ${number(shape.messageBytes / 1024, 1)} KiB (${inputs.queueBytesPerProfile} B per profile measured).`,
    `Log bytes per invocation at INFO (measured): ingress ${inputs.ingressLogBytes} B, worker ${inputs.workerLogBytes} B.`,
  ].join('\n');
}

export function capacityTableMarkdown(rows: readonly CapacityRow[], quotas: Quotas): string {
  const lines = rows.map((r) =>
    [
      r.scenario,
      number(r.ingressRequestsPerSecond),
      number(r.ingressConcurrency, 1),
      number(r.workerConcurrency, 1),
      number(r.sqsRequestsPerSecond),
      number(r.kmsRequestsPerSecond, 3),
      number(r.partnerRequestsPerSecond),
      r.completesInSeconds === undefined ? '' : `${number(r.completesInSeconds)} s`,
      `${r.binding.quota}: ${number(r.binding.utilisation * 100, 1)}%${r.binding.utilisation >= 1 ? ' (at or over the limit)' : ''}`,
      r.binding.knob,
    ].join(' | '),
  );
  return [
    '| load | ingress requests/s | ingress concurrency | worker concurrency | SQS requests/s | KMS requests/s | partner requests/s | sync done in | quota reached first | the knob |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...lines.map((l) => `| ${l} |`),
    '',
    `Quotas assumed: ${number(quotas.accountConcurrency)} concurrent executions per account and region (default), invoke rate ${quotas.invokesPerConcurrency} × that,`,
    `KMS ${number(quotas.kmsRequestsPerSecond)} symmetric requests/s (us-east-1; 5,500 in most regions), ${number(quotas.sqsInFlight)} SQS messages in flight.`,
    'Lambda also adds at most 1,000 concurrent executions per function every 10 s: a step from idle to 100,000 events/s reaches full',
    'concurrency within seconds at these durations.',
  ].join('\n');
}
