import {
  accountIdOf,
  audienceMembershipChangeResponse,
  audienceSubscriptionResponse,
  dsrProcessingResponse,
  eventProcessingResponse,
  moduleRegistrationResponse,
  type Account,
  type AudienceMembershipChangeRequest,
  type AudienceSubscriptionRequest,
  type DsrProcessingRequest,
  type EventProcessingRequest,
  type FirehoseRequestType,
  type ParsedRequest,
} from '../firehose';
import type { DeliveryPort, InlineOutcome } from './delivery-port';
import { decideEventless } from './eventless';
import { summarize, type InvocationSummary, type ProcessResult } from './invocation-summary';
import type { PartnerIntegration } from './partner-integration';
import { planCalls } from './plan-calls';
import { pickSecrets } from './secrets';

// Re-exported: the runtime, metrics and capture import the result types from here.
export type { InvocationSummary, ProcessResult } from './invocation-summary';

/** What the core needs from the outside world, built once per container by the handler. */
export interface CoreDependencies {
  readonly integration: PartnerIntegration;
  readonly delivery: DeliveryPort;
  readonly maxMessageBytes: number;
  /** Answer `suspend_subscription: true` when the partner refuses the customer's credentials (401/403). */
  readonly suspendOnAuthFailure: boolean;
}

/** The pure core: dispatch on the wire `type`, map with the integration, hand calls to the delivery port. */
export async function processRequest(parsed: ParsedRequest, deps: CoreDependencies): Promise<ProcessResult> {
  const { request } = parsed;
  switch (request.type) {
    case 'module_registration_request':
      return {
        response: moduleRegistrationResponse(deps.integration.registration),
        summary: {
          type: request.type,
          requestId: typeof request.id === 'string' ? request.id : undefined,
          calls: 0,
          outcome: 'registered',
        },
      };
    case 'event_processing_request':
      return processEvents(request, parsed.skippedEventTypes, deps);
    case 'audience_subscription_request':
      return processSubscription(request, deps);
    case 'audience_membership_change_request':
      return processMembership(request, deps);
    case 'dsr_processing_request':
      return processDsr(request, deps);
  }
}

async function processEvents(
  request: EventProcessingRequest,
  skipped: ReadonlyMap<string, number>,
  deps: CoreDependencies,
): Promise<ProcessResult> {
  const skippedEvents = [...skipped.values()].reduce((sum, n) => sum + n, 0);
  const base = {
    type: request.type,
    requestId: request.id,
    sourceId: typeof request.source_id === 'string' ? request.source_id : undefined,
    accountId: accountIdOf(request.account),
    events: request.events.length,
    skippedEvents,
  };
  let eventless: Pick<InvocationSummary, 'warning' | 'carried' | 'skippedEventTypes'> = {};
  if (request.events.length === 0) {
    const allowEventless = deps.integration.registration.permissions?.allow_eventless_batches === true;
    const verdict = decideEventless(request, skippedEvents, allowEventless);
    // What was dropped or forwarded goes into the log line: the unknown types with their counts, the fields carried.
    eventless = {
      ...(verdict.warning === undefined ? {} : { warning: verdict.warning }),
      ...(verdict.carried.length === 0 ? {} : { carried: verdict.carried }),
      // Bounded as every name mParticle sends is before it is logged: at most 100 types, 80 characters each.
      ...(skippedEvents === 0
        ? {}
        : {
            skippedEventTypes: Object.fromEntries(
              [...skipped].slice(0, 100).map(([type, n]) => [type.slice(0, 80), n]),
            ),
          }),
    };
    if (verdict.decision !== 'forward')
      return {
        response: eventProcessingResponse(),
        summary: { ...base, calls: 0, outcome: verdict.decision, ...eventless },
      };
  }

  const calls = planCalls({
    ...callContext(request.type, request.id, request.account, deps),
    travel: 'inline',
    items: request.events,
    // The request itself when the call carries all its events, so that `asSent(request.events)` finds them.
    build: (events) =>
      deps.integration.mapEvents(events === request.events ? request : { ...request, events: [...events] }),
  });
  const outcomes = await Promise.all(calls.map((call) => deps.delivery.deliverInline(call)));
  const suspend = deps.suspendOnAuthFailure && outcomes.some(isAuthRefusal);
  return {
    response: eventProcessingResponse({ suspendSubscription: suspend }),
    summary: {
      ...base,
      calls: calls.length,
      outcome: summarize(outcomes),
      inline: outcomes.map((o) => o.kind),
      ...eventless,
    },
  };
}

async function processSubscription(
  request: AudienceSubscriptionRequest,
  deps: CoreDependencies,
): Promise<ProcessResult> {
  const calls = planCalls({
    ...callContext(request.type, request.id, request.account, deps),
    travel: 'inline',
    items: [request],
    build: () => deps.integration.mapAudienceSubscription(request),
  });
  const outcomes = await Promise.all(calls.map((call) => deps.delivery.deliverInline(call)));
  // This response has no suspend_subscription field (docs/firehose-protocol.md, "Audience subscriptions"): a refusal is parked, not signalled.
  return {
    response: audienceSubscriptionResponse(deps.integration.audienceSubscriptionSettings?.(request)),
    summary: {
      type: request.type,
      requestId: request.id,
      accountId: accountIdOf(request.account),
      calls: calls.length,
      outcome: summarize(outcomes),
      inline: outcomes.map((o) => o.kind),
    },
  };
}

async function processMembership(
  request: AudienceMembershipChangeRequest,
  deps: CoreDependencies,
): Promise<ProcessResult> {
  const profiles = request.user_profiles ?? [];
  const base = {
    type: request.type,
    requestId: request.id,
    accountId: accountIdOf(request.account),
    profiles: profiles.length,
  };
  if (profiles.length === 0) {
    return { response: audienceMembershipChangeResponse(), summary: { ...base, calls: 0, outcome: 'verification' } };
  }
  const calls = planCalls({
    ...callContext(request.type, request.id, request.account, deps),
    travel: 'queue',
    items: profiles,
    build: (slice) => deps.integration.mapAudienceMembership({ ...request, user_profiles: [...slice] }),
  });
  await deps.delivery.enqueue(calls);
  return {
    response: audienceMembershipChangeResponse(),
    summary: { ...base, calls: calls.length, outcome: calls.length === 0 ? 'nothing-to-send' : 'queued' },
  };
}

async function processDsr(request: DsrProcessingRequest, deps: CoreDependencies): Promise<ProcessResult> {
  const summary = { type: request.type, requestId: request.id, accountId: accountIdOf(request.account) };
  // Only an erasure may reach the erasure mapping: anything else (a future `access`, a missing type) would
  // delete data nobody asked to delete. It is answered normally and nothing is sent.
  if (request.subject_request_type !== 'erasure') {
    const skipped = {
      ...summary,
      calls: 0,
      outcome: 'nothing-to-send' as const,
      warning: 'skipped a DSR request that is not an erasure',
      subjectRequestType:
        typeof request.subject_request_type === 'string' ? request.subject_request_type.slice(0, 80) : null,
    };
    return { response: dsrProcessingResponse(), summary: skipped };
  }
  const calls = planCalls({
    ...callContext(request.type, request.id, request.account, deps),
    travel: 'queue',
    items: [request],
    build: () => deps.integration.mapErasure(request),
  });
  await deps.delivery.enqueue(calls);
  return {
    response: dsrProcessingResponse(),
    summary: { ...summary, calls: calls.length, outcome: calls.length === 0 ? 'nothing-to-send' : 'queued' },
  };
}

function callContext(
  type: FirehoseRequestType,
  requestId: string,
  account: Account | null | undefined,
  deps: CoreDependencies,
) {
  return {
    requestType: type,
    requestId,
    accountId: accountIdOf(account),
    secrets: pickSecrets(account, deps.integration),
    maxMessageBytes: deps.maxMessageBytes,
  };
}

function isAuthRefusal(outcome: InlineOutcome): boolean {
  return outcome.kind === 'parked' && (outcome.status === 401 || outcome.status === 403);
}
