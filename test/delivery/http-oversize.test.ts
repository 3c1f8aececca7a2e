import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lambda/firehose';
import { startHttpSystem } from '../http/support/http-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { eventBatch, membershipChange } from '../support/factories';
import { largeEvent, largeProfile } from '../support/large-payloads';

/** Over HTTP an item larger than one queue message used to be a 400, which mParticle does not retry. */

const start = stoppedAfterEach(startHttpSystem);

describe('oversized items through the HTTP variant', () => {
  it('answers 200 for a 300 KB event and 202 for a 300 KB profile, and both reach the partner', async () => {
    // Prepare
    // The system's in-line deadline is generous: this is about what is answered, not how fast.
    const system = await start();
    const { post, delivery } = system;
    const batch = eventBatch([largeEvent(300_000)]);
    const membership = membershipChange([largeProfile('8001', 300_000)]);
    // Act
    const batchAnswer = await post('/events', JSON.stringify(batch));
    const membershipAnswer = await post('/audience', JSON.stringify(membership));
    await delivery.drain();
    // Assess
    expect(batchAnswer.status).toBe(200);
    expect(membershipAnswer.status).toBe(202);
    const requestIds = delivery.partner.accepted.map(
      (r) => (parseJson(r.bodyText) as { request_id: string }).request_id,
    );
    expect(requestIds.sort()).toEqual([batch['id'], membership['id']].sort());
    // Delivered claim checks keep only an empty marker (lambda/delivery/claim-check.ts): no text is left.
    const keys = await delivery.sqs.objects();
    expect(await Promise.all(keys.map((key) => delivery.sqs.objectText(key)))).toEqual(keys.map(() => ''));
  });
});
