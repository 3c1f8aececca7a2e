import { event, profile } from './factories';

/** Items larger than one queue message of the test systems (TEST_QUEUE_MESSAGE_BYTES), for the claim-check tests. */

/**
 * The test systems' queues hold 256 KiB per message (SQS allows up to 1 MiB): the kit chunks to what the queue
 * is set to, and a 300 KB item then exercises the claim check without megabyte-sized fixtures.
 */
export const TEST_QUEUE_MESSAGE_BYTES = 256 * 1024;

/** A user profile whose audience change carries one attribute of `bytes` characters. */
export function largeProfile(mpid: string, bytes: number, value = 'z'): Record<string, unknown> {
  return {
    ...profile(mpid),
    audiences: [
      {
        audience_id: 500,
        audience_name: 'Big spenders',
        action: 'add',
        user_attributes: [
          { key: 'notes', value: value.repeat(Math.ceil(bytes / value.length)).slice(0, bytes), action: 'upsert' },
        ],
      },
    ],
  };
}

/** A custom event with one attribute of `bytes` characters. */
export function largeEvent(bytes: number): Record<string, unknown> {
  return event('custom_event', { name: 'large', custom_event_type: 'other', attributes: { blob: 'y'.repeat(bytes) } });
}
