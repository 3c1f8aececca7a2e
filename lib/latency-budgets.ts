import { Duration } from 'aws-cdk-lib';

/** mParticle's Lambda budget: p99 under 200 ms (docs/firehose-protocol.md, "Deployment"). */
export const INGRESS_LATENCY_BUDGET = Duration.millis(200);
/** mParticle's HTTP budget: under 100 ms (docs/firehose-protocol.md, "Deployment"). */
export const HTTP_LATENCY_BUDGET = Duration.millis(100);
