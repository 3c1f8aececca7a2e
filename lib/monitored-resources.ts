import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** The resources the alarms and the dashboard both watch. */
export interface MonitoredResources {
  readonly ingressFunction: lambda.IFunction;
  /** mParticle invokes the alias, so latency is measured there. */
  readonly ingressAlias: lambda.IAlias;
  readonly workerFunction: lambda.IFunction;
  readonly deliveryQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** The HTTP variant's alias, when it is deployed. */
  readonly httpAlias?: lambda.IAlias;
}
