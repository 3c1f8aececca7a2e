import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { INCOMING_PREFIX, PROGRESS_PREFIX, REJECTED_PREFIX } from '../lambda/feeds/feed-bucket-layout';
import { acknowledgePrefixWildcard } from './nag-acknowledgements';

/**
 * Least privilege for the feed function's role: read uploads, write rejections, keep progress, read its
 * secret; no delete. Also acknowledges the prefix wildcards to cdk-nag.
 */
export function grantFeedAccess(
  role: iam.Role,
  fn: lambda.IFunction,
  bucket: s3.Bucket,
  secret: secretsmanager.ISecret,
): void {
  const statements: readonly [sid: string, actions: string[], resource: string][] = [
    ['ReadIncomingFeedObjects', ['s3:GetObject', 's3:GetObjectVersion'], bucket.arnForObjects(`${INCOMING_PREFIX}*`)],
    ['WriteRejectedBatches', ['s3:PutObject'], bucket.arnForObjects(`${REJECTED_PREFIX}*`)],
    ['KeepFeedProgress', ['s3:GetObject', 's3:PutObject'], bucket.arnForObjects(`${PROGRESS_PREFIX}*`)],
    // Without ListBucket, S3 answers 403 instead of 404 for a progress object not written yet. Listing
    // reveals only key names in a bucket whose uploads the function reads anyway.
    ['TellMissingProgress', ['s3:ListBucket'], bucket.bucketArn],
  ];
  for (const [sid, actions, resource] of statements) {
    role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources: [resource] }));
  }
  secret.grantRead(fn);
  const wildcards: readonly [prefix: string, reason: string][] = [
    [
      INCOMING_PREFIX,
      'Every object under incoming/ is an upload the function must read; the wildcard is limited to that prefix.',
    ],
    [REJECTED_PREFIX, 'Rejection files are named after their upload; the wildcard is limited to the rejected/ prefix.'],
    [
      PROGRESS_PREFIX,
      'Progress objects and resume markers are named after their upload; the wildcard is limited to the progress/ prefix.',
    ],
  ];
  for (const [prefix, reason] of wildcards) acknowledgePrefixWildcard(role, bucket, prefix, reason);
}
