import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EVENT_TYPES } from '../../lambda/firehose';
import { startRuntimeApiStandIn, type RuntimeApiStandIn } from '../../local/runtime-api-stand-in';
import { bundleRuntimeLoop, localTaskRoot, spawnThroughWrapper } from '../../local/runtime-loop-process';
import { event, eventBatch } from './factories';

/** A sandbox in a test: the real wrapper and loop, started as Lambda's bootstrap would, on a Runtime API stand-in. */
export interface Sandbox {
  readonly api: RuntimeApiStandIn;
  readonly child: ChildProcess;
  /** Every line so far on stdout and stderr (the loop's and the handler's JSON logs). */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startSandbox(taskRoot: string, env: Record<string, string | undefined> = {}): Promise<Sandbox> {
  const api = await startRuntimeApiStandIn();
  const child = spawnThroughWrapper({ taskRoot, runtimeApi: api.address, env });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    api,
    child,
    lines,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
      await api.close();
    },
  };
}

const taskRoots: string[] = [];

/** A fresh task root (inside the project, so the bundle's AWS SDK resolves); removed by removeTaskRoots(). */
export function testTaskRoot(): string {
  const dir = localTaskRoot();
  taskRoots.push(dir);
  return dir;
}

export function removeTaskRoots(): void {
  for (const dir of taskRoots.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A task root holding the loop, the wrapper and `index.js` with the given source (a stand-in handler). */
export async function taskRootWithHandler(source: string): Promise<string> {
  const dir = testTaskRoot();
  await bundleRuntimeLoop(dir);
  writeFileSync(path.join(dir, 'index.js'), source);
  return dir;
}

/** mParticle's own examples of 64-bit session ids (beyond 2^53), one positive, one negative. */
export const SESSION_IDS = { positive: '4957918240501247982', negative: '-2271448330363288817' } as const;

/**
 * The raw text of an event batch with one event of every type, each carrying a 64-bit session id (positive and
 * negative in turn) and a 64-bit number nested in its attributes: written as text, since a JavaScript number
 * cannot hold these digits.
 */
export function int64BatchText(): { text: string; positives: number; negatives: number } {
  const events = EVENT_TYPES.map((type, i) =>
    event(type, {
      session_id: i % 2 === 0 ? '@positive@' : '@negative@',
      future_field: { nested: [{ value: '@positive@' }] },
    }),
  );
  const text = JSON.stringify(eventBatch(events))
    .replaceAll('"@positive@"', SESSION_IDS.positive)
    .replaceAll('"@negative@"', SESSION_IDS.negative);
  const negatives = Math.floor(EVENT_TYPES.length / 2);
  return { text, positives: EVENT_TYPES.length - negatives + EVENT_TYPES.length, negatives };
}
