/** Object spread for construct props, except that an override explicitly `undefined` keeps the default. */
export function mergeDefined<T extends object>(defaults: T, overrides: Partial<T> | undefined): T {
  const defined = Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(defined) } as T;
}
