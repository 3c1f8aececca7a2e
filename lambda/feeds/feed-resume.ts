import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FEED_OBJECT_SUFFIX, INCOMING_PREFIX, resumeMarkerKey } from './feed-bucket-layout';
import { checkCustomerName } from './feed-customer';
import { runningUploads } from './customer-slots';
import { S3Progress } from './s3-progress';

export interface ResumeOutcome {
  /** Uploads a resume marker was written for: each runs the function again and continues from its progress. */
  readonly resumed: string[];
  /** Uploads already fully sent: left alone. */
  readonly complete: number;
  /** Uploads being sent right now (a live slot): left alone, a second invocation would send alongside. */
  readonly running: string[];
}

/**
 * After a customer's key is fixed (their uploads stopped on 403, or named them before they were added),
 * writes a resume marker for each of their uploads not yet complete. Each marker's notification runs the
 * function for that upload, which skips what its progress says was accepted: nothing is sent twice.
 */
export async function resumeCustomerUploads(s3: S3Client, bucket: string, customer: string): Promise<ResumeOutcome> {
  const prefix = `${INCOMING_PREFIX}${checkCustomerName(customer)}/`;
  const uploads: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (object.Key?.endsWith(FEED_OBJECT_SUFFIX)) uploads.push(object.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const running = await runningUploads(s3, bucket, customer, uploads);
  const resumed: string[] = [];
  let complete = 0;
  for (const key of uploads) {
    if (running.has(key)) continue;
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
  return { resumed, complete, running: [...running] };
}
