import { Match, type Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';

/** What every bucket of the kit has: S3-managed encryption and every kind of public access blocked. */
const PRIVATE = {
  BucketEncryption: {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  },
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
};

const DENY_WITHOUT_TLS = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

/**
 * Asserts the template holds a private bucket with `properties` besides (encrypted, no public access), and that
 * the policy of that very bucket denies requests without TLS. Returns the bucket's logical id.
 */
export function expectPrivateBucket(template: Template, properties: Record<string, unknown> = {}): string {
  // Fails, showing the closest bucket, when no bucket has every property.
  template.hasResourceProperties('AWS::S3::Bucket', { ...PRIVATE, ...properties });
  const ids = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { ...PRIVATE, ...properties } }));
  expect(ids, 'buckets with these properties').toHaveLength(1);
  const id = ids[0] as string;
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: id },
    PolicyDocument: { Statement: Match.arrayWith([DENY_WITHOUT_TLS]) },
  });
  return id;
}
