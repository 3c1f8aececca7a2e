/**
 * Loads an ESM-only package (fauxqs) from this CommonJS project. A plain `import()` would be rewritten to
 * `require()` by the TypeScript runners, which cannot load it; a Function body is left alone.
 */
export const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;
