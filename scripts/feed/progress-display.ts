import type { FeedProgress } from '../../lambda/feeds/feed-run';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressDisplay {
  update(progress: FeedProgress): void;
  /** A one-off message (a wait, a warning) that must not be overwritten by the bar. */
  note(message: string): void;
  finish(progress: FeedProgress | undefined): void;
}

/**
 * Progress on stderr: a redrawn bar on a terminal, otherwise a plain line every few seconds
 * (logs and CI output stay readable). stdout is left to the summary.
 */
export function createProgressDisplay(
  stream: ProgressStream,
  total: number,
  now: () => number = Date.now,
): ProgressDisplay {
  const interactive = stream.isTTY === true;
  const startedAt = now();
  const minIntervalMs = interactive ? 100 : 2_000;
  let lastDrawAt = 0;
  let barShown = false;
  let latest: FeedProgress | undefined;

  const describe = (progress: FeedProgress): string => {
    const seconds = (now() - startedAt) / 1000;
    const rate = seconds > 0 ? (progress.sent + progress.rejected) / seconds : 0;
    const percent = total > 0 ? Math.min(100, (progress.handled / total) * 100) : 100;
    return `${percent.toFixed(1)}% ${progress.handled}/${total} lines, sent ${progress.sent}, rejected ${progress.rejected}, retries ${progress.retries}, ${rate.toFixed(0)} batches/s`;
  };

  let lastCounts = '';
  const draw = (progress: FeedProgress): void => {
    const counts = `${progress.handled}/${progress.sent}/${progress.rejected}/${progress.retries}`;
    if (!interactive && counts === lastCounts) return; // a log gains nothing from a repeated line
    lastCounts = counts;
    const text = describe(progress);
    if (interactive) {
      const width = 24;
      const filled = total > 0 ? Math.round((Math.min(progress.handled, total) / total) * width) : width;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
      stream.write(`\r\x1b[2K${line.slice(0, Math.max(40, (stream.columns || 120) - 1))}`);
      barShown = true;
    } else {
      stream.write(`progress: ${text}\n`);
    }
    lastDrawAt = now();
  };

  return {
    update(progress) {
      latest = progress;
      if (now() - lastDrawAt >= minIntervalMs) draw(progress);
    },
    note(message) {
      if (interactive && barShown) stream.write('\r\x1b[2K');
      stream.write(`${message}\n`);
      if (interactive && latest) draw(latest);
    },
    finish(progress) {
      const last = progress ?? latest;
      if (last) draw(last);
      if (interactive && barShown) stream.write('\n');
    },
  };
}
