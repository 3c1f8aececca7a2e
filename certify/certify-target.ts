import type { PartnerIntegration } from '../lambda/core/partner-integration';
import { checkResponse, excerpt } from './answer-checks';
import { badInputs } from './bad-inputs';
import { latencyChecks } from './latency';
import {
  dataMessages,
  registrationRequest,
  verificationMessages,
  type CertifyMessage,
  type MessageContext,
} from './messages';
import { awaitReceipts, expectsPartnerCall, type DeliveriesReader } from './partner-receipts';
import { checkRefusal } from './refusal-checks';
import { registrationDifferences, registrationRuleProblems } from './registration-check';
import type { Answer, CheckResult, Target } from './types';

/**
 * Runs every check against one target and returns one row per check. Sends only what cannot reach the
 * partner's data (registration, verification messages, bad input) unless `withData` is set.
 */
export interface CertifyOptions extends MessageContext {
  /** Calls in the latency series (the first is judged as the cold call). */
  readonly repeat: number;
  readonly withData: boolean;
  /** The integration in this checkout: its registration spots a stale deployment, its mappings the calls to expect. */
  readonly localIntegration: PartnerIntegration;
  /** A planted value that must never come back in a refusal. */
  readonly canary: string;
  /** Local system only: where to see what the partner stand-in received. */
  readonly deliveries?: DeliveriesReader;
  readonly receiptTimeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export async function certifyTarget(target: Target, options: CertifyOptions): Promise<CheckResult[]> {
  const where = { region: target.region, target: target.label };
  const results: CheckResult[] = [];
  const seenIds: { request: unknown; response: unknown }[] = [];
  const add = (check: string, problems: readonly string[], answer?: Answer, passDetail = ''): void => {
    const row: CheckResult = {
      ...where,
      check,
      status: problems.length ? 'fail' : 'pass',
      detail: problems.join('; ') || passDetail,
      ...(answer ? { latency: `${Math.round(answer.functionMs ?? answer.ms)} ms` } : {}),
    };
    results.push(row);
    options.progress?.(
      `${target.region} ${check}: ${row.status}${row.status === 'fail' ? ` (${excerpt(row.detail, 120)})` : ''}`,
    );
  };
  const send = async (message: CertifyMessage, sendOptions = {}): Promise<Answer> => {
    const answer = await target.send(JSON.stringify(message.request), sendOptions);
    if (answer.outcome === 'ok')
      seenIds.push({ request: message.request['id'], response: (answer.body as { id?: unknown } | undefined)?.id });
    return answer;
  };

  // The latency series first, so its first call is the one most likely to meet a cold container.
  const series: Answer[] = [];
  const seriesProblems = new Set<string>();
  for (let i = 0; i < Math.max(1, options.repeat); i++) {
    const message = verificationMessages(options)[0] as CertifyMessage;
    const answer = await send(message);
    if (i === 0 && answer.outcome === 'transport-error') {
      const hint = target.region === 'local' ? ' (is `npm start` running?)' : '';
      add('reachable', [`no answer from ${target.label}${hint}: ${excerpt(answer.text)}`]);
      return results;
    }
    series.push(answer);
    for (const problem of checkResponse(answer, message.request, message.responseType)) seriesProblems.add(problem);
  }
  add(`${verificationMessages(options)[0]?.name} (×${series.length})`, [...seriesProblems], series[0]);
  for (const row of latencyChecks(series, target.budgetMs, where)) {
    results.push(row);
    options.progress?.(`${target.region} ${row.check}: ${row.status} (${row.latency ?? ''})`);
  }

  // Registration: asked before mParticle has a token, so over HTTP it goes without one.
  const registration = registrationRequest();
  const answer = await send(registration, { withoutToken: true });
  const envelopeProblems = checkResponse(answer, registration.request, registration.responseType);
  add('registration: answer', envelopeProblems, answer);
  if (answer.outcome === 'ok') {
    add('registration: protocol rules', registrationRuleProblems(answer.body));
    const differences = registrationDifferences(answer.body, options.localIntegration.registration);
    add(
      'registration: same as this checkout',
      differences.length ? [`differs at ${differences.join(', ')} (a stale deployment?)`] : [],
    );
  }

  for (const message of verificationMessages(options).slice(1)) {
    const reply = await send(message);
    add(message.name, checkResponse(reply, message.request, message.responseType), reply);
  }

  if (target.transport === 'http') {
    const message = verificationMessages(options)[0] as CertifyMessage;
    const reply = await target.send(JSON.stringify(message.request), { withoutToken: true });
    add(
      'refuses a call without the token',
      reply.status === 401 ? [] : [`expected HTTP 401, got ${reply.status ?? reply.outcome}`],
      reply,
    );
  }

  for (const input of badInputs(options.canary)) {
    if (input.httpOnly && target.transport !== 'http') continue;
    const reply = await target.send(input.text);
    add(input.name, checkRefusal(reply, input, options.canary), reply);
  }

  if (options.withData) await sendData(options, send, add);

  const responseIds = seenIds.map((s) => s.response);
  const repeats = responseIds.length - new Set(responseIds).size;
  const echoed = seenIds.filter((s) => s.request === s.response).length;
  add(
    'fresh response ids',
    [
      ...(repeats ? [`${repeats} response id(s) repeat an earlier response's id`] : []),
      ...(echoed ? [`${echoed} response(s) repeat the request's id`] : []),
    ],
    undefined,
    `${responseIds.length} answers, every id new`,
  );
  return results;
}

type Add = (check: string, problems: readonly string[], answer?: Answer, passDetail?: string) => void;

async function sendData(
  options: CertifyOptions,
  send: (m: CertifyMessage) => Promise<Answer>,
  add: Add,
): Promise<void> {
  const expected: string[] = [];
  for (const message of dataMessages(options)) {
    const reply = await send(message);
    const problems = checkResponse(reply, message.request, message.responseType);
    if ((reply.body as { suspend_subscription?: unknown } | undefined)?.suspend_subscription === true) {
      problems.push('suspend_subscription is true: the partner refused the call, and mParticle would stop sending');
    }
    add(message.name, problems, reply);
    if (expectsPartnerCall(message.request, options.localIntegration)) expected.push(String(message.request['id']));
  }
  if (!options.deliveries) return;
  try {
    const missing = await awaitReceipts(options.deliveries, expected, options.receiptTimeoutMs ?? 20_000);
    add(
      'data: partner received every message',
      missing.length ? [`no accepted delivery for request(s) ${missing.join(', ')}`] : [],
      undefined,
      `${expected.length} requests delivered`,
    );
  } catch (error) {
    add('data: partner received every message', [
      `could not read the deliveries: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}
