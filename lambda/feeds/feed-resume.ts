import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FEED_OBJECT_SUFFIX, INCOMING_PREFIX, resumeMarkerKey } from './feed-bucket-layout';
import { checkCustomerName } from './feed-customer';
import { S3Progress } from './s3-progress';

export interface ResumeOutcome {
  /** Uploads a resume marker was written for: each runs the function again and continues from its progress. */
  readonly resumed: string[];
  /** Uploads already fully sent: left alone. */
  readonly complete: number;
}

/**
 * After a customer's key is fixed (their uploads stopped on 403, or named them before they were added),
 * writes a resume marker for each of their uploads not yet complete. Each marker's notification runs the
 * function for that upload, which skips what its progress says was accepted: nothing is sent twice.
 */
export async function resumeCustomerUploads(s3: S3Client, bucket: string, customer: string): Promise<ResumeOutcome> {
  const prefix = `${INCOMING_PREFIX}${checkCustomerName(customer)}/`;
  const resumed: string[] = [];
  let complete = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (key === undefined || !key.endsWith(FEED_OBJECT_SUFFIX)) continue;
      const progress = await S3Progress.read(s3, bucket, key);
      if (progress?.complete) {
        complete += 1;
        continue;
      }
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: resumeMarkerKey(key),
          Body: JSON.stringify({ key, resumedBy: 'operator', at: new Date().toISOString() }),
          ContentType: 'application/json',
        }),
      );
      resumed.push(key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { resumed, complete };
}
