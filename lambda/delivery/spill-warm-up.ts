import { errorMessage } from '../common/errors';

/** What a spill needs readied; the sealing data key only for a call that carries secrets. */
export interface SpillNeeds {
  readonly sealing: boolean;
}

/** After a failed warm-up, in-line calls start none for this long: a KMS outage is not asked once per call. */
export const WARM_UP_RETRY_MS = 10_000;

/**
 * Readies a spill while an in-line call waits for the partner: the first spill of a container otherwise pays
 * for loading the SDK and fetching the first data key after the deadline, on top of it. `ready` awaits the
 * same cached promises a spill awaits, so a spill never does the work twice and waits only for what is not
 * finished. The returned function starts it (in a later turn of the event loop, once the partner call is on
 * its way) and returns at once: at most one runs at a time, none runs for WARM_UP_RETRY_MS after one failed,
 * and it never throws or rejects (in the kit's runtime loop an unhandled rejection ends the sandbox).
 * A failure is only reported: the spill that needs the step tries again and fails or succeeds on its own.
 */
export function spillWarmUp(
  ready: (needs: SpillNeeds) => Promise<unknown>,
  onFailure: (message: string) => void,
  now: () => number = () => performance.now(),
): (needs: SpillNeeds) => void {
  let running = false;
  let failedAt: number | undefined;
  return (needs) => {
    if (running || (failedAt !== undefined && now() - failedAt < WARM_UP_RETRY_MS)) return;
    running = true;
    setImmediate(() => {
      Promise.resolve()
        .then(() => ready(needs))
        .then(
          () => (failedAt = undefined),
          (error: unknown) => {
            failedAt = now();
            onFailure(errorMessage(error));
          },
        )
        .catch(() => undefined)
        .finally(() => (running = false));
    });
  };
}
