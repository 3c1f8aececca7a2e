import { afterEach, describe, expect, it } from 'vitest';
import { type PartnerServer, startPartnerServer } from '../../local/partner-api-stand-in';

/** The partner stand-in remembers what it received; `npm start`'s keeps a bounded number (it runs for hours). */
let partner: PartnerServer | undefined;
afterEach(async () => {
  await partner?.stop();
  partner = undefined;
});

async function post(url: string, index: number): Promise<void> {
  const response = await fetch(`${url}/events`, { method: 'POST', body: JSON.stringify({ index }) });
  await response.arrayBuffer();
}

describe('the partner stand-in', () => {
  it('keeps every request by default', async () => {
    // Prepare
    partner = await startPartnerServer();

    // Act
    for (let i = 0; i < 12; i += 1) await post(partner.url, i);

    // Assess
    expect(partner.received.map((r) => JSON.parse(r.bodyText).index)).toEqual([...Array(12).keys()]);
    expect(partner.accepted).toHaveLength(12);
  });

  it('with keepLast, keeps at least the newest that many, oldest first, and drops the rest', async () => {
    // Prepare
    partner = await startPartnerServer({ keepLast: 3 });

    // Act
    for (let i = 0; i < 12; i += 1) await post(partner.url, i);

    // Assess: between 3 and 5 kept (dropped in blocks), ending with the newest, in order.
    const kept = partner.received.map((r) => JSON.parse(r.bodyText).index as number);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(6);
    expect(kept).toEqual([...Array(kept.length).keys()].map((k) => 12 - kept.length + k));
    expect(partner.accepted.length).toBe(kept.length);
  });
});
