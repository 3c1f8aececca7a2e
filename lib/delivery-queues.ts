import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { checkDeliverySettings, mergeQueueProps } from './delivery-settings';
import type { FirehoseIntegrationProps } from './firehose-integration-props';

export interface DeliveryQueues {
  readonly deliveryQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The props each queue was built with (the kit's defaults with the user's merged over them). */
  readonly deliveryQueueProps: sqs.QueueProps;
  readonly deadLetterQueueProps: sqs.QueueProps;
}

/**
 * The delivery queue and its dead-letter queue, as `DeliveryQueue` and `DeadLetterQueue` in `scope`, after
 * checking that the merged settings and the worker's can work together (lib/delivery-settings.ts).
 */
export function createDeliveryQueues(
  scope: Construct,
  workerTimeout: Duration,
  props: Pick<FirehoseIntegrationProps, 'deliveryQueueProps' | 'deadLetterQueueProps' | 'workerFunctionProps'>,
): DeliveryQueues {
  const deadLetterQueueProps = mergeQueueProps(
    'deadLetterQueueProps',
    {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DELIVERY_DEFAULTS.deadLetterRetentionDays),
    },
    props.deadLetterQueueProps,
  );
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', deadLetterQueueProps);
  const deliveryQueueProps = mergeQueueProps(
    'deliveryQueueProps',
    {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DELIVERY_DEFAULTS.queueRetentionDays),
      // AWS guidance for Lambda event sources: at least six times the function timeout, so Lambda can retry a
      // throttled batch before SQS makes its messages visible again.
      visibilityTimeout: Duration.seconds(6 * workerTimeout.toSeconds()),
      // A backstop only a crashing worker reaches: the worker parks, with a reason, what it gives up on.
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: DELIVERY_DEFAULTS.redriveMaxReceiveCount },
    },
    props.deliveryQueueProps,
  );
  checkDeliverySettings({
    workerTimeout,
    deliveryQueue: deliveryQueueProps,
    deadLetterQueue: deadLetterQueueProps,
    workerEnvironment: props.workerFunctionProps?.environment ?? {},
  });
  const deliveryQueue = new sqs.Queue(scope, 'DeliveryQueue', deliveryQueueProps);
  return { deliveryQueue, deadLetterQueue, deliveryQueueProps, deadLetterQueueProps };
}
