import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import type { WorkerObserver } from '../observability/metrics';
import type { CircuitBreaker } from './circuit-breaker';
import type { RetryPolicy } from './delivery-policy';
import type { DeliveryQueue } from './delivery-queue';
import type { HeldMessages } from './held-messages';
import type { PartnerClient } from './partner-client';
import type { PartnerCredential } from './partner-credential';
import type { PartnerRateLimit } from './partner-rate-limit';
import type { SecretBox } from './secret-box';

/** What the worker needs to deliver one queued call, built once per container (create-worker.ts). */
export interface WorkerDependencies {
  readonly integration: PartnerIntegration;
  readonly partner: PartnerClient;
  readonly queue: DeliveryQueue;
  readonly box: SecretBox;
  /** The worker's own view of the partner's health, shared by every record this container handles. */
  readonly breaker: CircuitBreaker;
  /** What this container hid, released when a probe finds the partner healthy again. */
  readonly held?: HeldMessages;
  readonly policy: RetryPolicy;
  readonly callDeadlineMs: number;
  readonly logger: Logger;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly observer?: WorkerObserver;
  /** For calls without customer settings (DSR); @default none configured */
  readonly partnerCredential?: PartnerCredential;
  /** This container's share of PARTNER_MAX_RPS; @default no ceiling */
  readonly rateLimit?: PartnerRateLimit;
  /** Longest sleep for a rate-limit slot before holding the message instead. */
  readonly rateLimitMaxSleepMs?: number;
}
