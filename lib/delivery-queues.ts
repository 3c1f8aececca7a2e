import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { ConstructPropsError } from './errors';
import { checkDeliverySettings, mergeQueueProps } from './delivery-settings';
import type { FirehoseIntegrationProps } from './firehose-integration-props';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';

export interface DeliveryQueues {
  readonly deliveryQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The props each queue was built with (the kit's defaults with the user's merged over them). */
  readonly deliveryQueueProps: sqs.QueueProps;
  readonly deadLetterQueueProps: sqs.QueueProps;
  /** The delivery queue's message size limit: the functions chunk queued deliveries to it. */
  readonly maxMessageBytes: number;
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
      retentionPeriod: Duration.days(DELIVERY_INFRASTRUCTURE.deadLetterRetentionDays),
      // Explicit, as on the delivery queue: a parked copy is as large as the message it copies.
      maxMessageSizeBytes: DELIVERY_DEFAULTS.queueMessageMaxBytes,
    },
    props.deadLetterQueueProps,
  );
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', deadLetterQueueProps);
  const deliveryQueueProps = mergeQueueProps(
    'deliveryQueueProps',
    {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DELIVERY_INFRASTRUCTURE.queueRetentionDays),
      // AWS guidance for Lambda event sources: at least six times the function timeout, so Lambda can retry a
      // throttled batch before SQS makes its messages visible again.
      visibilityTimeout: Duration.seconds(6 * workerTimeout.toSeconds()),
      // Explicit rather than the library default, so the functions' chunk size (below) is what the queue holds.
      maxMessageSizeBytes: DELIVERY_DEFAULTS.queueMessageMaxBytes,
      // A backstop only a crashing worker reaches: the worker parks, with a reason, what it gives up on.
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount },
    },
    props.deliveryQueueProps,
  );
  checkDeliverySettings({
    workerTimeout,
    deliveryQueue: deliveryQueueProps,
    deadLetterQueue: deadLetterQueueProps,
    workerEnvironment: props.workerFunctionProps?.environment ?? {},
  });
  const maxMessageBytes = deliveryQueueProps.maxMessageSizeBytes ?? DELIVERY_DEFAULTS.queueMessageMaxBytes;
  const deadLetterBytes = deadLetterQueueProps.maxMessageSizeBytes ?? DELIVERY_DEFAULTS.queueMessageMaxBytes;
  if (deadLetterBytes < maxMessageBytes)
    throw new ConstructPropsError(
      'deadLetterQueueProps.maxMessageSizeBytes',
      `(${deadLetterBytes}) must be at least the delivery queue's (${maxMessageBytes}): a message too large to park would be tried forever`,
    );
  const deliveryQueue = new sqs.Queue(scope, 'DeliveryQueue', deliveryQueueProps);
  return { deliveryQueue, deadLetterQueue, deliveryQueueProps, deadLetterQueueProps, maxMessageBytes };
}
