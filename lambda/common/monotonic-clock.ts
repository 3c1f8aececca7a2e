/**
 * Milliseconds on a monotonic clock, for durations. The same clock as `performance.now()` without its cost:
 * the `performance` global loads node:perf_hooks on first touch, about 2 ms of a cold start's first request,
 * while `process.hrtime` is there from the process's start (test/handlers/first-request-builtins.test.ts).
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1_000 + nanoseconds / 1_000_000;
}
