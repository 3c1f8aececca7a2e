import { describe, expect, it } from 'vitest';
import { sdkModule } from '../../lambda/delivery/lazy-sdk-module';

/**
 * How an AWS SDK module is loaded: on first use, at init, or in steps while an in-line call waits. The real
 * SDK modules are loaded by the spill warm-up tests (test/delivery/spill-warm-up.test.ts); here the two
 * loaders are counted, to pin which one each path uses.
 */
function counted() {
  const calls = { load: 0, loadSync: 0 };
  const module = { name: 'the module' };
  const sdk = sdkModule(
    async () => {
      calls.load += 1;
      return module;
    },
    () => {
      calls.loadSync += 1;
      return module;
    },
  );
  return { sdk, calls, module };
}

describe('sdkModule', () => {
  it('loads in steps, one per turn it is given, and then synchronously', async () => {
    // Prepare
    const { sdk, calls, module } = counted();
    let turns = 0;

    // Act
    await sdk.loadInSteps(async () => {
      turns += 1;
    });

    // Assess: a turn before each shared package and one before the module itself.
    expect(turns).toBeGreaterThan(1);
    expect(calls).toEqual({ load: 0, loadSync: 1 });
    expect(await sdk.get()).toBe(module);
  });

  it('lets a caller that needs the module now finish a paused load in steps synchronously, not start another', async () => {
    // Prepare: a load in steps waiting for a turn that never comes (no call is waiting for the partner).
    const { sdk, calls, module } = counted();
    void sdk.loadInSteps(() => new Promise<void>(() => undefined));

    // Act
    const got = await sdk.get();

    // Assess
    expect(got).toBe(module);
    expect(calls).toEqual({ load: 0, loadSync: 1 });
  });

  it('loads on first use through `load` when no load in steps has begun', async () => {
    // Prepare
    const { sdk, calls } = counted();

    // Act
    await sdk.get();
    await sdk.get();

    // Assess
    expect(calls).toEqual({ load: 1, loadSync: 0 });
  });
});
