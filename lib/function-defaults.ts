import { Duration } from 'aws-cdk-lib';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';

/** The kit's functions' defaults in one place; each is a prop a user may override (firehose-integration-props.ts). */
export const FUNCTION_DEFAULTS = {
  /**
   * mParticle's recommendation for the function it calls (docs/firehose-protocol.md, "Deployment"): memory
   * buys CPU. The ingress and the HTTP function warn below it; the worker starts from it too.
   */
  memoryMb: 1024,
  /** The ingress's timeout: far above mParticle's 200 ms budget, a cap for a cold start and a stuck call. */
  ingressTimeout: Duration.seconds(10),
  /** The HTTP function's timeout, as the ingress's. */
  httpTimeout: Duration.seconds(10),
  /** The worker's timeout: shared with the queue's visibility timeout (lambda/delivery/infrastructure.ts). */
  workerTimeout: Duration.seconds(DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds),
} as const;
