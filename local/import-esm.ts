/**
 * Loads an ESM-only package (fauxqs) from this CommonJS project. Under tsx a plain `import()` is rewritten
 * to `require()`, which cannot load it, so the native import is reached through a Function body; inside
 * vitest's module runner that has no import hook, and the runner's own `import()` works instead.
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function importEsm<T>(specifier: string): Promise<T> {
  try {
    return (await nativeImport(specifier)) as T;
  } catch (error) {
    if (!(error instanceof TypeError) || !/dynamic import callback/i.test(error.message)) throw error;
    return (await import(specifier)) as T;
  }
}
