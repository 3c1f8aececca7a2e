import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import {
  INCOMING_PREFIX,
  PROGRESS_PREFIX,
  REJECTED_PREFIX,
  UPLOAD_SLOTS_FOLDER,
} from '../lambda/feeds/feed-bucket-layout';
import { acknowledgePrefixWildcard } from './nag-acknowledgements';

/**
 * Least privilege for the feed function's role in its bucket: read uploads, write rejections, keep
 * progress; no delete. Also acknowledges the prefix wildcards to cdk-nag. (Secrets: the caller grants its
 * one secret, or grantCustomerSecrets.)
 */
export function grantFeedAccess(role: iam.Role, bucket: s3.Bucket): void {
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

/**
 * Many customers: the function may read the secrets under their prefix and nothing else (Secrets Manager
 * appends a random suffix to each secret's ARN, hence the wildcard). No list, no write: adding a customer
 * is the operator's act, not the function's.
 */
export function grantCustomerSecrets(role: iam.Role, prefix: string): void {
  const stack = Stack.of(role);
  const resource = stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${prefix}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadCustomerSecrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [resource],
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${renderForNag(stack.resolve(resource))}]`,
    reason: `One secret per customer under ${prefix}; customers are added without a deploy, so the grant is limited to that prefix.`,
  });
}

/** How cdk-nag spells a resolved ARN in its finding ids: pseudo parameters as <AWS::Name>. */
function renderForNag(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  if (join) return join[1].map(renderForNag).join(join[0]);
  const ref = (resolved as { Ref?: string } | null)?.Ref;
  if (ref) return `<${ref}>`;
  throw new Error(`cannot render ${JSON.stringify(resolved)} for cdk-nag`);
}

/**
 * Many customers: the upload slots (lambda/feeds/customer-slots.ts) are freed by deleting their lease
 * and queue objects; delete is allowed there and nowhere else.
 */
export function grantUploadSlots(role: iam.Role, bucket: s3.Bucket): void {
  const prefix = `${PROGRESS_PREFIX}*/${UPLOAD_SLOTS_FOLDER}/`;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'FreeUploadSlots',
      actions: ['s3:DeleteObject'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  );
  acknowledgePrefixWildcard(
    role,
    bucket,
    prefix,
    "Upload slots are named after each customer's uploads; delete is limited to their folder under progress/.",
  );
}
