import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Processes a test starts, each in its own process group (npm → sh → tsx → node), so stopping one stops
 * every server it started. Call `stopAll()` in afterEach/afterAll: whatever the test did, nothing keeps
 * listening after it.
 */
export type Spawned = ChildProcessByStdio<null, Readable, Readable>;

const running = new Set<Spawned>();

export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): Spawned {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true }) as Spawned;
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Signals the child's whole group; a group already gone is fine. */
export function signalGroup(child: Spawned, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already exited.
  }
}

/** Stops every group still running: SIGTERM, then SIGKILL for any that lingers. */
export async function stopAll(graceMs = 5_000): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      signalGroup(child, 'SIGTERM');
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
      if ((await Promise.race([exited, timer])) === 'late') signalGroup(child, 'SIGKILL');
      // The group may hold grandchildren after the leader exits: make sure they are gone too.
      signalGroup(child, 'SIGKILL');
      running.delete(child);
    }),
  );
}

// A test worker that exits without its hooks (a crash, a timeout) still takes its groups with it.
process.once('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});
