import { Worker } from 'node:worker_threads';
import { beforeEach, expect, inject } from 'vitest';

/**
 * A bound on synchronous hangs. vitest's testTimeout cannot stop a test whose code never yields (an endless
 * loop on some input): the timer never fires, and the run hangs until CI gives up. A watchdog thread sees
 * the test thread's heartbeat stop, names the test on stderr, and kills the worker process, so vitest reports
 * a failed file within the bound instead. The bound is long (5 minutes) because a CDK synth blocks the
 * thread for a while on purpose; a slow machine must not trip it.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** How long the test thread may go without yielding before its process is killed (ms). */
    watchdogBlockedLimitMs?: number;
  }
}

const DEFAULT_BLOCKED_LIMIT_MS = 5 * 60_000;
const HEARTBEAT_MS = 1_000;

// Runs in the watchdog thread: plain CommonJS, Node built-ins only. fs.writeSync, because the test thread
// (which would forward process.stderr) is the one that is stuck.
const WATCHDOG_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beats = new Int32Array(workerData.heartbeat);
let running = 'before the first test';
parentPort.on('message', (name) => { running = name; });
let last = Atomics.load(beats, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(beats, 0);
  if (now !== last) { last = now; since = Date.now(); return; }
  if (Date.now() - since < workerData.limitMs) return;
  writeSync(2, '\\n[watchdog] ' + workerData.file + ' > ' + running + ': the test thread has not yielded for ' +
    Math.round((Date.now() - since) / 1000) + ' s (a synchronous endless loop?); killing its process\\n');
  process.kill(process.pid, 'SIGKILL');
}, 1000);
`;

const heartbeat = new Int32Array(new SharedArrayBuffer(4));
const limitMs = inject('watchdogBlockedLimitMs') ?? DEFAULT_BLOCKED_LIMIT_MS;
const file = expect.getState().testPath ?? 'a test file';
const watchdog = new Worker(WATCHDOG_SOURCE, {
  eval: true,
  workerData: { heartbeat: heartbeat.buffer, limitMs, file },
});
watchdog.unref();
// Scheduled now, before any test can install fake timers, so it keeps beating under them.
setInterval(() => Atomics.add(heartbeat, 0, 1), HEARTBEAT_MS).unref();

beforeEach((context) => {
  watchdog.postMessage(context.task.name);
});
