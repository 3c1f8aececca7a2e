import { describe, expect, it } from 'vitest';
import { INIT_WARM_UP_LIMIT_MS, waitAtMost } from '../../lambda/http/warm-up';

/** The HTTP function's init waits for its warm-up, but never longer than a limit well inside Lambda's 10 s. */
describe('waitAtMost', () => {
  it('settles with the warm-up when it ends first, whether it succeeded or failed', async () => {
    // Act + Assess
    await expect(waitAtMost(Promise.resolve('done'), 1_000)).resolves.toBe('warm');
    await expect(waitAtMost(Promise.reject(new Error('KMS refused')), 1_000)).resolves.toBe('warm');
  });

  it('stops waiting at the limit for a warm-up that never ends', async () => {
    // Act
    const started = performance.now();
    const outcome = await waitAtMost(new Promise<never>(() => {}), 50);

    // Assess: at the limit, not before; a generous upper bound only catches a hang.
    expect(outcome).toBe('limit reached');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('leaves room inside the 10 s Lambda gives an init', () => {
    expect(INIT_WARM_UP_LIMIT_MS).toBeLessThanOrEqual(5_000);
  });
});
