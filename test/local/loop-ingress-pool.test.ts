import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAW_HANDLER_EXPORT } from '../../lambda/runtime-loop/files';
import { DEFAULT_MAX_CONTAINERS, startLoopIngress } from '../../local/loop-ingress';
import { bundleRuntimeLoop } from '../../local/runtime-loop-process';
import { SystemLog } from '../../local/system-log';

/**
 * The Invoke API's ingress pool starts one process per concurrent call, as Lambda starts one sandbox per
 * concurrent call, up to its cap. A handler that holds each call HOLD_MS and answers with its process id shows
 * how many processes served calls made at once.
 */
const HOLD_MS = 400;
const HANDLER = `exports.${RAW_HANDLER_EXPORT} = async (payload, context) => {
  await new Promise((resolve) => setTimeout(resolve, ${HOLD_MS}));
  process.stdout.write(JSON.stringify({ level: 'INFO', message: 'handled', function_request_id: context.awsRequestId,
    type: 'event_processing_request', outcome: 'delivered', calls: 0, durationMs: ${HOLD_MS} }) + '\\n');
  return { pid: process.pid };
};
exports.handler = exports.${RAW_HANDLER_EXPORT};
`;

let taskRoot: string;

beforeAll(async () => {
  taskRoot = mkdtempSync(path.join(tmpdir(), 'loop-pool-'));
  writeFileSync(path.join(taskRoot, 'index.js'), HANDLER);
  await bundleRuntimeLoop(taskRoot);
}, 60_000);

afterAll(() => rmSync(taskRoot, { recursive: true, force: true }));

async function processesServing(calls: number, maxContainers?: number): Promise<number> {
  const pool = await startLoopIngress({
    env: {},
    log: new SystemLog(),
    taskRoot,
    ...(maxContainers === undefined ? {} : { maxContainers }),
  });
  try {
    const answers = await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        pool.invoke(Buffer.from('{}'), {
          functionName: 'firehose-ingress',
          qualifier: '$LATEST',
          requestId: `call-${i}`,
        }),
      ),
    );
    return new Set(answers.map((answer) => (answer as { pid: number }).pid)).size;
  } finally {
    await pool.stop();
  }
}

describe('the local ingress pool', () => {
  it(`starts one process per concurrent call up to ${DEFAULT_MAX_CONTAINERS} by default`, async () => {
    expect(await processesServing(DEFAULT_MAX_CONTAINERS + 2)).toBe(DEFAULT_MAX_CONTAINERS);
  }, 60_000);

  it('starts as many as maxContainers allows (the load bench: one per caller)', async () => {
    expect(await processesServing(DEFAULT_MAX_CONTAINERS + 2, DEFAULT_MAX_CONTAINERS + 2)).toBe(
      DEFAULT_MAX_CONTAINERS + 2,
    );
    expect(await processesServing(3, 2)).toBe(2);
  }, 60_000);

  it('refuses a cap that would start no process', async () => {
    for (const maxContainers of [0, 1.5])
      await expect(startLoopIngress({ env: {}, log: new SystemLog(), taskRoot, maxContainers })).rejects.toThrow(
        /maxContainers must be a whole number of processes, at least 1/,
      );
  });
});
