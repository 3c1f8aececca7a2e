import { describe, expect, it } from 'vitest';
import { HeldMessages } from '../../lambda/delivery/held-messages';

describe('HeldMessages', () => {
  it('hands back only messages still hidden for a while, once, and forgets those received again', () => {
    // Prepare
    let now = 0;
    const held = new HeldMessages(100, () => now);
    held.add('a', 'handle-a', 60_000);
    held.add('b', 'handle-b', 1_000);
    held.add('c', 'handle-c', 60_000);
    held.forget('c');
    now = 500;
    // Act
    const released = held.takeStillHidden(2_000);
    // Assess: b's wait ends within the margin (another worker may have it by then); c was received again.
    expect(released).toEqual(['handle-a']);
    expect(held.takeStillHidden()).toEqual([]);
  });

  it('keeps at most its limit, dropping the oldest, and the newest handle of a message', () => {
    const held = new HeldMessages(2, () => 0);
    held.add('a', 'a1', 60_000);
    held.add('b', 'b1', 60_000);
    held.add('a', 'a2', 60_000);
    held.add('c', 'c1', 60_000);
    expect(held.size).toBe(2);
    expect(held.takeStillHidden().sort()).toEqual(['a2', 'c1']);
  });
});
