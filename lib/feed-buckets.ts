import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PROGRESS_PREFIX } from '../lambda/feeds/feed-bucket-layout';

export interface FeedBuckets {
  /** Uploads, rejections and progress (lambda/feeds/feed-bucket-layout.ts). */
  readonly bucket: s3.Bucket;
  /** The feed bucket's server access logs. */
  readonly accessLogsBucket: s3.Bucket;
}

/** The feed bucket and its access-log bucket, as children `Bucket` and `AccessLogs` of the scope. */
// Not privateBucket (lib/private-bucket.ts): its ids and unversioned buckets would replace deployed feed buckets.
export function createFeedBuckets(scope: Construct): FeedBuckets {
  // Log delivery through a bucket policy (ACLs stay disabled) whatever the app's feature flags say.
  scope.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

  const accessLogsBucket = new s3.Bucket(scope, 'AccessLogs', {
    // Server access log delivery supports SSE-S3 only.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });

  const bucket = new s3.Bucket(scope, 'Bucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: 'feed-bucket/',
    // Versioning keeps overwritten uploads; old versions are personal data too, so they expire.
    lifecycleRules: [
      { noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      // Progress only matters while an upload is being sent (and against late duplicate events).
      { prefix: PROGRESS_PREFIX, expiration: Duration.days(30) },
    ],
  });
  return { bucket, accessLogsBucket };
}
