import { describe, expect, it } from 'vitest';
import { startDeliverySystem } from '../support/delivery-system';
import { membershipChange, profiles } from '../support/factories';
import { stoppedAfterEach } from '../support/stopped-after-each';

/**
 * Issue 22, item 3, seen through the strict layer: a partner refusal whose answer holds
 * characters SQS refuses must still be parked, with its reason. Against fauxqs alone this passed whatever the
 * excerpt held; behind the strict layer the dead-letter send is refused as real SQS refuses it.
 */
const start = stoppedAfterEach(startDeliverySystem);

describe('parking a refusal whose answer holds characters SQS refuses', () => {
  // Before the fix (lambda/delivery/sqs-attribute.ts) the park's SendMessage was refused (InvalidMessageContents)
  // and the message was tried again every visibility timeout, never parked.
  it('parks the message with its reason when the excerpt holds U+0000, raw gzip bytes and a lone surrogate', async () => {
    // Prepare: a permanent refusal (400) with an answer SQS would refuse verbatim in an attribute.
    const { ingress, partner, drain, deadLetters } = await start();
    partner.setFaults(() => ({
      kind: 'status',
      status: 400,
      body: `{"error":"bad\u0000input \u001f\u008b\b cut\uD83D"}`,
    }));

    // Act
    await ingress.handle(JSON.stringify(membershipChange(profiles(3))));
    await drain(20_000);

    // Assess
    const parked = await deadLetters();
    expect(parked).toHaveLength(1);
    expect(parked[0]?.attributes['status']).toBe('400');
  });
});
