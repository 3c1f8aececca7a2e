import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * A bucket for customer data the kit keeps for a short time: SSE-S3, no public access, TLS only, ACLs off,
 * server access logs in a sibling bucket, and every object expired after `expireAfter`. Kept on stack
 * deletion (its objects expire by themselves). Call it on a construct with no children yet: log delivery
 * goes through a bucket policy (ACLs stay off) whatever the app's feature flags say, which is set as context.
 */
export function privateBucket(
  scope: Construct,
  id: string,
  props: { readonly expireAfter: Duration },
): { bucket: s3.Bucket; accessLogs: s3.Bucket } {
  scope.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const accessLogs = new s3.Bucket(scope, `${id}AccessLogs`, {
    // Server access log delivery supports SSE-S3 only.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: `${id}/`,
    lifecycleRules: [{ expiration: props.expireAfter, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { bucket, accessLogs };
}
