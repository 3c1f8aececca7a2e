import path from 'node:path';
import { PROJECT_ROOT } from './run-cli';

/**
 * The Firehose request samples the tests own, by name. An explicit list, not a directory listing: files a
 * developer's run leaves in events/ (a feed checkpoint, an out.json) must not become test cases.
 */
export const SAMPLE_FILES = [
  'audience-membership-add.json',
  'audience-membership-attribute-update.json',
  'audience-membership-delete.json',
  'audience-membership-verification-empty.json',
  'audience-membership-verification.json',
  'audience-subscription-add.json',
  'audience-subscription-remove.json',
  'audience-subscription-update.json',
  'dsr-erasure.json',
  'event-batch-int64.json',
  'event-batch-unknown-type.json',
  'event-batch.json',
  'event-verification-empty.json',
  'event-verification-no-events.json',
  'module-registration.json',
] as const;

export const EVENTS_DIR = path.join(PROJECT_ROOT, 'events');
