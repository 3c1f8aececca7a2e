import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { PROGRESS_PREFIX, resumeMarkerKey, UPLOAD_SLOTS_FOLDER } from './feed-bucket-layout';

/**
 * Fairness between customers (docs/feeds.md, "Fairness"): at most `maxUploads` uploads of one customer are
 * sent at a time. Each running upload holds a lease, `progress/<customer>/_feed-slots/active/<upload hash>`,
 * live for `leaseMs` after it was last written (longer than one invocation, so a crashed invocation frees its
 * slot by itself); an upload that finds every slot taken writes a queue entry and ends at once. When an
 * upload ends, it frees its slot and wakes the customer's oldest queued upload with a resume marker. So a
 * backfill of many files holds at most `maxUploads` invocations, and another customer's upload never waits
 * for it (given the function's concurrency covers `maxUploads` per customer uploading at once).
 * Two uploads ending in the same instant never wake the same queued upload twice: the wake-up is claimed
 * with a conditional put (If-None-Match), which S3 lets only one writer win; the loser wakes the next one.
 */

export interface SlotOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly customer: string;
  readonly uploadKey: string;
}

export const DEFAULT_MAX_UPLOADS_PER_CUSTOMER = 2;
/** Queue entries an ending upload tries to claim before giving up (each lost claim was won by another). */
const WAKE_CANDIDATES = 20;
/** Longer than Lambda's longest timeout (15 minutes). */
export const DEFAULT_SLOT_LEASE_MS = 16 * 60_000;

const slotsPrefix = (customer: string): string => `${PROGRESS_PREFIX}${customer}/${UPLOAD_SLOTS_FOLDER}/`;
const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 24);

/** Uploads of the customer holding a live slot now (being sent, or continuing in a next invocation). */
export async function runningUploads(
  s3: S3Client,
  bucket: string,
  customer: string,
  uploadKeys: readonly string[],
  leaseMs: number = DEFAULT_SLOT_LEASE_MS,
): Promise<Set<string>> {
  const options = { s3, bucket, customer, uploadKey: '' };
  const leases = await liveLeases(options, `${slotsPrefix(customer)}active/`, '-', leaseMs, Date.now);
  const hashes = new Set(leases.map((lease) => lease.order.slice(lease.order.lastIndexOf('-') + 1, -'.json'.length)));
  return new Set(uploadKeys.filter((key) => hashes.has(hashOf(key))));
}

interface Lease {
  readonly key: string;
  /** When the upload first took its slot: the order in which contenders rank (then by hash). */
  readonly order: string;
  readonly own: boolean;
}

/** 'granted': send now (the lease is written); 'queued': every slot is taken, a later end wakes this upload. */
export async function takeSlot(
  options: SlotOptions,
  limits: { readonly maxUploads: number; readonly leaseMs: number; readonly now?: () => number },
): Promise<{ readonly state: 'granted' | 'queued'; readonly running: number }> {
  const now = limits.now ?? Date.now;
  const active = `${slotsPrefix(options.customer)}active/`;
  const ownHash = hashOf(options.uploadKey);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    // Write first, then look: every contender sees every earlier writer, and the first `maxUploads` by
    // start time keep their slot (a continued upload keeps its first start time, so it keeps its place).
    const before = await liveLeases(options, active, ownHash, limits.leaseMs, now);
    const mine = before.find((lease) => lease.own);
    const leaseKey = mine?.key ?? `${active}${String(now()).padStart(15, '0')}-${ownHash}.json`;
    await writeJson(options, leaseKey, { key: options.uploadKey });
    const leases = await liveLeases(options, active, ownHash, limits.leaseMs, now);
    const rank = leases.findIndex((lease) => lease.key === leaseKey);
    const others = leases.filter((lease) => !lease.own).length;
    if (rank !== -1 && rank < limits.maxUploads) return { state: 'granted', running: others };
    await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: leaseKey }));
    const queued = `${slotsPrefix(options.customer)}queued/${String(now()).padStart(15, '0')}-${ownHash}.json`;
    await writeJson(options, queued, { key: options.uploadKey });
    // A slot freed while queueing would wake nobody (the ending upload listed the queue before this entry).
    const after = await liveLeases(options, active, ownHash, limits.leaseMs, now);
    if (after.length >= limits.maxUploads) return { state: 'queued', running: after.length };
    await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: queued }));
  }
  return { state: 'queued', running: limits.maxUploads }; // kept losing races: wait for a wake-up like the rest
}

/**
 * Frees the upload's slot and, unless `wake` is false (credentials refused: the customer's queued uploads
 * would be refused too; `feed customers resume` restarts them), wakes the oldest queued upload of the
 * customer. Returns the upload woken.
 */
export async function releaseSlot(options: SlotOptions, wake: boolean): Promise<string | undefined> {
  const active = `${slotsPrefix(options.customer)}active/`;
  const leases = await liveLeases(options, active, hashOf(options.uploadKey), Number.POSITIVE_INFINITY, Date.now);
  for (const lease of leases.filter((candidate) => candidate.own)) {
    await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: lease.key }));
  }
  if (!wake) return undefined;
  const queued = `${slotsPrefix(options.customer)}queued/`;
  const listed = await options.s3.send(
    new ListObjectsV2Command({ Bucket: options.bucket, Prefix: queued, MaxKeys: WAKE_CANDIDATES }),
  );
  for (const entry of listed.Contents ?? []) {
    if (entry.Key === undefined) continue;
    // Another upload ending now may have listed the same entry: only the claim's winner wakes it.
    const claim = `${slotsPrefix(options.customer)}claims/${entry.Key.slice(queued.length)}`;
    if (!(await claimOnce(options, claim))) continue;
    const woken = await readQueuedUpload(options, entry.Key);
    await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: entry.Key }));
    if (woken === undefined) continue;
    await writeJson(options, resumeMarkerKey(woken), { key: woken, wokenBy: options.uploadKey });
    return woken;
  }
  return undefined;
}

/**
 * Writes `key` only if it does not exist yet; false when another writer has it. S3 answers a conditional put
 * of an existing key with 412, and 409 while a concurrent conditional put of it is under way (then asks for
 * a retry).
 */
async function claimOnce(options: SlotOptions, key: string): Promise<boolean> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await options.s3.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: JSON.stringify({ claimedBy: options.uploadKey }),
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status === 412) return false;
      if (status !== 409 || attempt >= 2) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
}

/** Leases written less than `leaseMs` ago, in rank order (start time, then upload hash). */
async function liveLeases(
  options: SlotOptions,
  prefix: string,
  ownHash: string,
  leaseMs: number,
  now: () => number,
): Promise<Lease[]> {
  const leases: Lease[] = [];
  let token: string | undefined;
  do {
    const page = await options.s3.send(
      new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (key === undefined || now() - (object.LastModified?.getTime() ?? 0) >= leaseMs) continue;
      const order = key.slice(prefix.length);
      leases.push({ key, order, own: order.endsWith(`-${ownHash}.json`) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return leases.sort((a, b) => a.order.localeCompare(b.order));
}

/** The upload a queue entry stands for (its body); undefined when unreadable (the entry is dropped). */
async function readQueuedUpload(options: SlotOptions, key: string): Promise<string | undefined> {
  try {
    const answer = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
    const parsed: unknown = JSON.parse((await answer.Body?.transformToString('utf8')) ?? '');
    const upload = typeof parsed === 'object' && parsed !== null ? (parsed as { key?: unknown }).key : undefined;
    return typeof upload === 'string' ? upload : undefined;
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined; // taken by another ending upload meanwhile
    throw error;
  }
}

async function writeJson(
  options: SlotOptions,
  key: string,
  body: { readonly key: string } & Record<string, unknown>,
): Promise<void> {
  await options.s3.send(
    new PutObjectCommand({
      Bucket: options.bucket,
      Key: key,
      Body: JSON.stringify(body),
      ContentType: 'application/json',
    }),
  );
}
