import { CfnElement, CfnOutput, type Stack } from 'aws-cdk-lib';
import type { CustomerFeeds } from './customer-feeds';
import { FeedIngestion } from './feed-construct';
import type { FirehoseIntegration } from './firehose-integration';

/** An output's id (also its name in the stack), its value and what an operator does with it. */
type Output = readonly [id: string, value: string, description: string];

/** The outputs an operator needs from one region's stack, each directly on the stack (ids unchanged). */
export function addFirehoseOutputs(stack: Stack, firehose: FirehoseIntegration, feed: CustomerFeeds | undefined): void {
  const outputs: Output[] = [
    [
      'IngressAliasArn',
      firehose.ingressAlias.functionArn,
      `Give this ARN to mParticle: the Lambda function (alias) it invokes for ${stack.region}`,
    ],
    [
      'IngressFunctionArn',
      firehose.ingressFunction.functionArn,
      'Unqualified ingress function ARN (for operators; mParticle may not invoke it)',
    ],
    ['WorkerFunctionArn', firehose.workerFunction.functionArn, 'Delivery worker function ARN'],
    ['DeliveryQueueUrl', firehose.deliveryQueue.queueUrl, 'Queue of deliveries to the partner API'],
    ['DeliveryQueueArn', firehose.deliveryQueue.queueArn, 'Queue of deliveries to the partner API'],
    ['DeadLetterQueueUrl', firehose.deadLetterQueue.queueUrl, 'Deliveries that failed for good'],
    ['DeadLetterQueueArn', firehose.deadLetterQueue.queueArn, 'Deliveries that failed for good'],
    ['SealingKeyArn', firehose.sealingKey.keyArn, 'KMS key sealing confidential settings in queued deliveries'],
    [
      'SamLocalInvokeCommand',
      samLocalInvoke(stack, firehose),
      'Runs the ingress of this template in SAM (needs Docker), after npm run synth, from the project root',
    ],
  ];
  if (firehose.httpFunctionUrl !== undefined) {
    outputs.push([
      'HttpEndpointUrl',
      firehose.httpFunctionUrl.url,
      `Give this HTTPS URL to mParticle if you use the HTTP variant for ${stack.region}`,
    ]);
  }
  if (firehose.partnerCredentialSecret !== undefined) {
    outputs.push([
      'PartnerCredentialSecretArn',
      firehose.partnerCredentialSecret.secretArn,
      'Put the partner-level API credential here (used for calls without customer settings, e.g. DSR)',
    ]);
  }
  if (firehose.firehoseTokenSecret !== undefined) {
    outputs.push([
      'FirehoseTokenSecretArn',
      firehose.firehoseTokenSecret.secretArn,
      "Put mParticle's Firehose token here (aws secretsmanager put-secret-value)",
    ]);
  }
  if (feed instanceof FeedIngestion) {
    outputs.push(
      ['FeedBucketName', feed.bucket.bucketName, 'Upload NDJSON feed files under incoming/ here'],
      ['FeedSecretArn', feed.secret.secretArn, "Put the customer's Events API key and secret here"],
    );
  } else if (feed?.secretPrefix !== undefined) {
    outputs.push(
      [
        'FeedBucketName',
        feed.bucket.bucketName,
        "Upload each customer's NDJSON feed files under incoming/<customer>/ here",
      ],
      [
        'FeedCustomerSecretPrefix',
        feed.secretPrefix,
        "Customers' Events API secrets go under this prefix: npm run feed -- customers add <customer> --pod <pod>",
      ],
    );
  }
  if (feed !== undefined) {
    outputs.push(['FeedDeadLetterQueueUrl', feed.deadLetterQueue.queueUrl, 'Feed uploads that failed after retries']);
  }
  for (const [id, value, description] of outputs) new CfnOutput(stack, id, { value, description });
}

/** The ingress's logical id is a hash of its construct path: spelled out here so nobody has to look it up. */
function samLocalInvoke(stack: Stack, firehose: FirehoseIntegration): string {
  const resource = firehose.ingressFunction.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error('the ingress function has no CloudFormation resource');
  return `sam local invoke -t cdk.out/${stack.artifactId}.template.json ${stack.getLogicalId(resource)} -e events/event-batch.json`;
}
