import { Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import {
  FEED_OBJECT_SUFFIX,
  INCOMING_PREFIX,
  PROGRESS_PREFIX,
  RESUME_SUFFIX,
} from '../lambda/feeds/feed-bucket-layout';

/** The singleton CDK adds to a stack for `addEventNotification` (aws-s3 notifications-resource-handler). */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/** Runs the function for each new upload under `incoming/` and for each resume marker under `progress/`. */
export function notifyFeedFunction(bucket: s3.Bucket, fn: lambda.IFunction): void {
  const destination = new s3n.LambdaDestination(fn);
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, {
    prefix: INCOMING_PREFIX,
    suffix: FEED_OBJECT_SUFFIX,
  });
  // A resume marker runs the function again for an upload that did not fit one invocation.
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, {
    prefix: PROGRESS_PREFIX,
    suffix: RESUME_SUFFIX,
  });
  // CDK's stack-wide helper that installs the notification always carries the basic execution policy.
  const notificationsHandler = Stack.of(bucket).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (notificationsHandler) {
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-managed custom resource that only configures the bucket notification; its role is not ours to shape.',
    });
  }
}
