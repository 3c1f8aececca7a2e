/**
 * Key layout of the feed bucket, shared by the handler and the CDK construct (which builds the
 * notification filter and the IAM key patterns from it). Kept free of imports so CDK code can use it.
 */

/** Uploads land here; only this prefix triggers the function. */
export const INCOMING_PREFIX = 'incoming/';

/** Rejected batches are written here; outside incoming/, so they never trigger the function. */
export const REJECTED_PREFIX = 'rejected/';

/** Only these uploads are fed. */
export const FEED_OBJECT_SUFFIX = '.ndjson';

/**
 * The function's own bookkeeping: `<upload>.progress.json` (what was accepted, so a retried or continued
 * invocation resends nothing) and `<upload>.resume` markers. Writing a marker triggers the function
 * again (its own notification), which is how an upload too large for one invocation finishes over several.
 */
export const PROGRESS_PREFIX = 'progress/';
export const RESUME_SUFFIX = '.resume';

/** Many customers: `progress/<customer>/_feed-slots/` holds the upload slots (lambda/feeds/customer-slots.ts). */
export const UPLOAD_SLOTS_FOLDER = '_feed-slots';

/** `incoming/a/b.ndjson` → `a/b.ndjson`; keys outside incoming/ keep their full path. */
function relativeKey(key: string): string {
  return key.startsWith(INCOMING_PREFIX) ? key.slice(INCOMING_PREFIX.length) : key;
}

export function progressObjectKey(uploadKey: string): string {
  return `${PROGRESS_PREFIX}${relativeKey(uploadKey)}.progress.json`;
}

export function resumeMarkerKey(uploadKey: string): string {
  return `${PROGRESS_PREFIX}${relativeKey(uploadKey)}${RESUME_SUFFIX}`;
}

/** The upload a resume marker stands for, or undefined when the key is not a marker. */
export function uploadKeyOfResumeMarker(key: string): string | undefined {
  if (!key.startsWith(PROGRESS_PREFIX) || !key.endsWith(RESUME_SUFFIX)) return undefined;
  return `${INCOMING_PREFIX}${key.slice(PROGRESS_PREFIX.length, -RESUME_SUFFIX.length)}`;
}
