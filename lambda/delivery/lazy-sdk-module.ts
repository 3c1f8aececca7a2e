/**
 * An AWS SDK module the functions load on first use (`import()`: a function that never needs it never pays
 * for it), or at once with `loadNow()` during a function's init. `loadNow` uses `require` on purpose: an
 * `import()` goes through Node's ES module loader, which reads files asynchronously and parses the CommonJS
 * source for its export names, so it completes only after the init code has returned and the runtime has
 * handed over the first event (measured: ~110 ms more even when the module was required before). The
 * bundles are CommonJS, and the SDK ships CommonJS builds, so both calls return the same module.
 */
export interface SdkModule<T> {
  get(): Promise<T>;
  /** Loads the module synchronously unless it is loaded (or loading) already. A failure is not cached. */
  loadNow(): void;
  /**
   * Loads the module while a call is in flight: the SDK's shared packages (SDK_SHARED_PACKAGES), one
   * `require` each time `turn` resolves (@default the next turn of the event loop), then the module. Loading
   * a client at once holds the event loop for ~100 ms (measured here), as long as an in-line call's
   * deadline: the partner's answer would wait and the deadline timer would fire first. In steps, each hold is
   * the size of one module (SDK_SHARED_PACKAGES). Never rejects: a package that does not load is
   * skipped, a module that does not load is left to get(), which reports the failure to the call that needs it.
   */
  loadInSteps(turn?: () => Promise<void>): Promise<void>;
}

/**
 * Modules every SDK v3 client loads before its own code, each after the ones it requires, so that each
 * `require` is a small step (measured here: most under 10 ms, the first, which also warms Node's module
 * resolution, up to ~45 ms on a busy machine; the client at once, ~100 ms). Named only to split a client's
 * load: one that is missing (another SDK version) is skipped, and the client loads it, or not, itself.
 */
export const SDK_SHARED_PACKAGES: readonly string[] = [
  '@smithy/types',
  '@smithy/core/transport',
  '@smithy/core/schema',
  '@smithy/core/client',
  '@smithy/core/config',
  '@smithy/core/endpoints',
  '@smithy/core/serde',
  '@smithy/core/protocols',
  '@smithy/core/retry',
  '@smithy/core',
  '@smithy/signature-v4',
  '@aws-sdk/core/client',
  '@aws-sdk/core/httpAuthSchemes',
  '@aws-sdk/credential-provider-node',
  '@smithy/node-http-handler',
  '@smithy/core/cbor',
  '@aws-sdk/core/protocols',
  '@smithy/core/checksum',
];

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `require` of a name known only at run time: bundlers leave it to Node (the SDK is not bundled). */
function requireByName(name: string): void {
  require(name);
}

export function sdkModule<T>(load: () => Promise<T>, loadSync: () => T): SdkModule<T> {
  let loaded: Promise<T> | undefined;
  const remember = (module: Promise<T>): Promise<T> => {
    loaded = module;
    module.catch(() => (loaded = undefined));
    return module;
  };
  const loadNow = (): void => {
    if (loaded) return;
    try {
      remember(Promise.resolve(loadSync()));
    } catch {
      // Left to get(), which tries again and reports the failure to the call that needs it.
    }
  };
  // A load in steps that has begun is finished at once by a caller that needs the module now (a spill):
  // `load()` would start another, slower one through the ES module loader.
  let stepping = false;
  return {
    get() {
      if (stepping) loadNow();
      return loaded ?? remember(load());
    },
    loadNow,
    async loadInSteps(turn = nextTurn) {
      if (loaded || stepping) return;
      stepping = true;
      try {
        for (const name of SDK_SHARED_PACKAGES) {
          await turn();
          if (loaded) return;
          try {
            requireByName(name);
          } catch {
            // Skipped: only a step of the load.
          }
        }
        await turn();
        loadNow();
      } finally {
        stepping = false;
      }
    },
  };
}
