import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { grantClaimChecks } from './claim-check-bucket';
import { SEALING_ENCRYPTION_CONTEXT } from '../lambda/delivery/infrastructure';

/** What the functions that deliver use; FirehoseIntegration has these as its public fields. */
export interface DeliveryResources {
  readonly deliveryQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly sealingKey: kms.IKey;
  readonly claimCheckBucket: s3.Bucket;
  /** Unset when the functions do not deliver (no partner URL). */
  readonly partnerCredentialSecret?: secretsmanager.ISecret | undefined;
}

/** What a function answering mParticle may do: queue deliveries, park rejected ones, seal settings. */
export function grantFrontDoor(fn: lambda.IFunction, resources: DeliveryResources): void {
  resources.deliveryQueue.grantSendMessages(fn);
  resources.deadLetterQueue.grantSendMessages(fn);
  // GenerateDataKey only: the front door seals, it never needs to read sealed settings back.
  grantSealing(resources.sealingKey, fn, 'kms:GenerateDataKey');
  grantPartnerCredential(resources.partnerCredentialSecret, fn);
  grantClaimChecks(fn, resources.claimCheckBucket, 'ClaimCheckWrite', ['s3:PutObject']);
}

/**
 * What the worker may do besides consuming the delivery queue (its event source grants that): park in the
 * DLQ, open sealed settings, read the partner credential, read, mark and copy claim checks.
 */
export function grantWorker(fn: lambda.IFunction, resources: DeliveryResources): void {
  resources.deadLetterQueue.grantSendMessages(fn);
  grantSealing(resources.sealingKey, fn, 'kms:Decrypt');
  grantPartnerCredential(resources.partnerCredentialSecret, fn);
  // PutObject: a delivered object is replaced by an empty marker, a parked one copied to a fresh key
  // (lambda/delivery/claim-check.ts); nothing is deleted, the bucket's lifecycle expires what is left.
  grantClaimChecks(fn, resources.claimCheckBucket, 'ClaimCheckReadAndMark', ['s3:GetObject', 's3:PutObject']);
  // Without ListBucket, S3 answers a missing key with 403 (AccessDenied), which the worker must treat as
  // retryable; with it, 404 (NoSuchKey), so a claim check that is gone is parked at once with that reason.
  // No prefix condition: S3 decides 404-or-403 without a prefix in the request context, and the bucket holds
  // only the kit's claim checks, under random names.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ClaimCheckMissingIsNotFound',
      actions: ['s3:ListBucket'],
      resources: [resources.claimCheckBucket.bucketArn],
    }),
  );
}

/** One KMS action on the sealing key, and only for data keys made with the sealing encryption context. */
function grantSealing(key: kms.IKey, fn: lambda.IFunction, action: 'kms:GenerateDataKey' | 'kms:Decrypt'): void {
  const conditions = Object.fromEntries(
    Object.entries(SEALING_ENCRYPTION_CONTEXT).map(([name, value]) => [`kms:EncryptionContext:${name}`, value]),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [action],
      resources: [key.keyArn],
      conditions: { StringEquals: conditions },
    }),
  );
}

/** GetSecretValue on the partner credential, nothing else (no DescribeSecret, no other secret); none without one. */
function grantPartnerCredential(secret: secretsmanager.ISecret | undefined, fn: lambda.IFunction): void {
  if (secret === undefined) return;
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
  secret.encryptionKey?.grantDecrypt(fn);
}
