import { afterEach } from 'vitest';

/**
 * `start` wrapped so that what it started during a test is stopped after that test, whether it passed or
 * failed (the last started is stopped first).
 */
export function stoppedAfterEach<A extends unknown[], T extends { stop(): Promise<void> }>(
  start: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const running: T[] = [];
  afterEach(async () => {
    for (const started of running.splice(0).reverse()) await started.stop();
  });
  return async (...args: A): Promise<T> => {
    const started = await start(...args);
    running.push(started);
    return started;
  };
}
