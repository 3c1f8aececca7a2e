import { errorMessage } from '../common/errors';
import { monotonicMs } from '../common/monotonic-clock';
import { nextTurn } from './lazy-sdk-module';

/** What a spill needs readied; the sealing data key only for a call that carries secrets. */
export interface SpillNeeds {
  readonly sealing: boolean;
}

/**
 * Readies the spill path, taking each step of its work only once `turn(minWaitMs)` resolves: in a later turn
 * of the event loop, while an in-line call has been waiting for the partner for `minWaitMs` or more
 * (@default WARM_UP_AFTER_MS, for a step that holds the event loop: a module load; 0 for a request).
 */
export type ReadySpill = (needs: SpillNeeds, turn: (minWaitMs?: number) => Promise<void>) => Promise<unknown>;

/** After a failed warm-up, in-line calls start none for this long: a KMS outage is not asked once per call. */
export const WARM_UP_RETRY_MS = 10_000;

/**
 * A call's wait left to the partner alone before a module load: a step of one cannot be interrupted (the
 * largest holds the event loop up to ~45 ms, lazy-sdk-module.ts), so a partner that answers within this is never held
 * up by one, and a call that runs into the deadline (100 ms, HTTP 50 ms) still leaves most of its wait.
 * Requests (the data key, the queue read) start at once: they hold the event loop a few ms at a time.
 */
export const WARM_UP_AFTER_MS = 15;

/**
 * The head start for every step while only the container's first calls are waiting (made before any partner
 * answer came back): such a call is slow by itself (a first connection, first-time code) and is the one a cold
 * start is timed by, so the warm-up leaves it alone unless it runs towards its deadline (measured in bench/first-spill.ts: a cold call
 * answered in 20 ms took ~30 ms longer when the warm-up's first module load went into it).
 */
export const FIRST_CALL_WARM_UP_AFTER_MS = 50;

/**
 * Readies a spill in the time in-line calls spend waiting for the partner: the first spill of a container
 * otherwise pays for loading the SDK and fetching the first data key after the deadline, on top of it.
 * `ready` awaits the same cached promises a spill awaits, so a spill never does the work twice and waits
 * only for what is not finished. The returned function is called as an in-line call starts waiting, with
 * the promise of the partner's answer; it returns at once. The work goes on only while some call is
 * waiting (between calls it pauses, as a Lambda sandbox is frozen then), so a call the partner answers at
 * once is held up by one step at most. At most one warm-up runs at a time, none for WARM_UP_RETRY_MS after
 * one failed, and none once one has readied what a call needs (a data key that ages out later is fetched
 * by the spill that needs it: a container that never spills asks KMS once). It never throws or rejects (in
 * the kit's runtime loop an unhandled rejection ends the sandbox). A failure is only reported: the spill
 * that needs the step tries again on its own.
 */
export function spillWarmUp(
  ready: ReadySpill,
  onFailure: (message: string) => void,
  now: () => number = monotonicMs,
): (needs: SpillNeeds, waiting: Promise<unknown>) => void {
  let running = false;
  let failedAt: number | undefined;
  /** What a finished warm-up readied: the queue, or the queue and the data key. */
  let readied: 'nothing' | 'queue' | 'queue and key' = 'nothing';
  /** When each call now waiting for the partner started waiting, and whether the container had seen no answer yet. */
  const waits = new Set<{ readonly since: number; readonly first: boolean }>();
  let answered = false;
  let wake: (() => void)[] = [];

  /** Resolves in a later turn of the event loop once some call has waited `minWaitMs` for the partner. */
  const turn = async (minWaitMs = WARM_UP_AFTER_MS): Promise<void> => {
    await nextTurn();
    for (;;) {
      if (waits.size === 0) {
        await new Promise<void>((resolve) => wake.push(resolve));
        continue;
      }
      const waiting = [...waits];
      const longest = now() - Math.min(...waiting.map((w) => w.since));
      const needed = waiting.every((w) => w.first) ? Math.max(minWaitMs, FIRST_CALL_WARM_UP_AFTER_MS) : minWaitMs;
      if (longest >= needed) return;
      await new Promise((resolve) => setTimeout(resolve, needed - longest));
    }
  };

  return (needs, waiting) => {
    const wait = { since: now(), first: !answered };
    waits.add(wait);
    const done = (): void => {
      answered = true;
      waits.delete(wait);
    };
    waiting.then(done, done);
    const woken = wake;
    wake = [];
    for (const resolve of woken) resolve();

    if (readied === 'queue and key' || (readied === 'queue' && !needs.sealing)) return;
    if (running || (failedAt !== undefined && now() - failedAt < WARM_UP_RETRY_MS)) return;
    running = true;
    Promise.resolve()
      .then(() => ready(needs, turn))
      .then(
        () => {
          failedAt = undefined;
          readied = needs.sealing ? 'queue and key' : 'queue';
        },
        (error: unknown) => {
          failedAt = now();
          onFailure(errorMessage(error));
        },
      )
      .catch(() => undefined)
      .finally(() => (running = false));
  };
}
