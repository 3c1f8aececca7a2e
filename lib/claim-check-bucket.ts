import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgePrefixWildcard } from './nag-acknowledgements';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';

/**
 * Where queue messages too large for SQS wait (lambda/delivery/claim-check.ts), as `ClaimCheckBucket` in
 * `scope`. A delivered object is replaced by an empty marker, a parked one copied to a fresh key; the
 * lifecycle expiry outlasts the DLQ's retention and one redrive after the parking, so a parked pointer never
 * outlives its object. Kept on stack deletion (S3's default): it may hold undelivered data.
 */
export function createClaimCheckBucket(scope: Construct, expiryDays: number): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'ClaimCheckBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(expiryDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      "Objects are short-lived copies of queue messages, reachable only by the kit's function roles (one prefix, " +
      'put for the front door, get/delete for the worker). CloudTrail S3 data events audit them if an account needs it.',
  });
  return bucket;
}

/** One statement limited to the claim-check prefix; the key names are random, hence the wildcard. */
export function grantClaimChecks(fn: lambda.IFunction, bucket: s3.Bucket, sid: string, actions: string[]): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid,
      actions,
      resources: [bucket.arnForObjects(`${DELIVERY_INFRASTRUCTURE.claimCheckPrefix}*`)],
    }),
  );
  if (fn.role) {
    acknowledgePrefixWildcard(
      fn.role,
      bucket,
      DELIVERY_INFRASTRUCTURE.claimCheckPrefix,
      "Claim-check objects get random key names; the wildcard is limited to the kit's own prefix in its own bucket.",
    );
  }
}
