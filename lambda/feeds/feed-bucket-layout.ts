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
