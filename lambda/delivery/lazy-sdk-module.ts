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
}

export function sdkModule<T>(load: () => Promise<T>, loadSync: () => T): SdkModule<T> {
  let loaded: Promise<T> | undefined;
  const remember = (module: Promise<T>): Promise<T> => {
    loaded = module;
    module.catch(() => (loaded = undefined));
    return module;
  };
  return {
    get: () => loaded ?? remember(load()),
    loadNow() {
      if (loaded) return;
      try {
        remember(Promise.resolve(loadSync()));
      } catch {
        // Left to get(), which tries again and reports the failure to the call that needs it.
      }
    },
  };
}
