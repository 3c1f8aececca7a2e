import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { membershipChange, profiles } from '../support/factories';
import { integrationCopy, startNpm, statusOf, waitUntil } from '../support/npm-start';
import { signalGroup, stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV } from '../../lambda/config/environment';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');

// Whatever a test does, no server it started keeps listening.
afterEach(() => stopAll());
afterAll(() => stopAll());

describe('npm start', () => {
  it('starts in a few seconds, prints where everything is, and stops cleanly on Ctrl-C', async () => {
    // Act
    const { child, invokeUrl: url, output, startupMs } = await startNpm({});
    const client = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials });
    const out = await client.send(
      new InvokeCommand({
        FunctionName: 'firehose-ingress',
        Payload: readFileSync(path.join(PROJECT_ROOT, 'events/event-batch.json')),
      }),
    );
    client.destroy();
    // Ctrl-C reaches the whole process group, as in a terminal.
    signalGroup(child, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // Assess
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8'))['type']).toBe('event_processing_response');
    expect(output()).toMatch(
      // The tests' integration (test/setup/kit-integration.ts) is watched beside lambda/.
      /reloading\s+the functions when a file under lambda, test\/support\/kit-integration changes \(queues, DLQ and status page are kept\)/,
    );
    expect(output()).toContain('stopped');
    expect(output()).not.toContain('NodeVersionSupportWarning');
    expect([0, 130]).toContain(code ?? 0);
    expect(startupMs).toBeLessThan(20_000);
  }, 60_000);

  it('reloads an edited mapping without a restart, and keeps the queues and the status page', async () => {
    // Prepare
    const copy = integrationCopy('/events-before');
    const { invokeUrl: url, output } = await startNpm({ [LOCAL_ENV.localIntegrationModule]: copy.module });
    const invoke = () =>
      fetch(`${url}/2015-03-31/functions/firehose-ingress/invocations`, {
        method: 'POST',
        body: readFileSync(path.join(PROJECT_ROOT, 'events/event-batch.json')),
      });
    const paths = async () => (await statusOf(url)).deliveries.map((d) => d.path);
    await invoke();
    await waitUntil(
      async () => (await paths()).includes('/events-before') || undefined,
      10_000,
      () => output(),
    );
    // Act: the partner edits the mapping, as in their editor.
    writeFileSync(copy.mapping, copy.mappingSource('/events-after'));
    await waitUntil(
      () => /reloaded the functions/.test(output()) || undefined,
      15_000,
      () => `no reload line:\n${output()}`,
    );
    await invoke();
    // Assess: the new code answered, and the status page still remembers the first call.
    const after = await waitUntil(
      async () => ((await paths()).includes('/events-after') ? paths() : undefined),
      10_000,
      () => output(),
    );
    expect(after).toEqual(['/events-after', '/events-before']);
    expect(output()).toMatch(/reloaded the functions in \d+ ms \(.*mapping\.ts changed\)/);
  }, 90_000);

  it('refuses to reload a mapping that does not type-check, names the typo, and keeps the previous code', async () => {
    // Prepare
    const copy = integrationCopy('/events-before');
    const { invokeUrl: url, output } = await startNpm({ [LOCAL_ENV.localIntegrationModule]: copy.module });
    const invoke = () =>
      fetch(`${url}/2015-03-31/functions/firehose-ingress/invocations`, {
        method: 'POST',
        body: readFileSync(path.join(PROJECT_ROOT, 'events/event-batch.json')),
      });
    const paths = async () => (await statusOf(url)).deliveries.map((d) => d.path);
    // Act: the partner misspells a field (tsx alone would run it and send the batch without that field).
    writeFileSync(
      copy.mapping,
      `import { mapEvents as kit } from ${JSON.stringify(path.join(PROJECT_ROOT, 'test/support/kit-integration/mapping'))};\n` +
        `import type { EventProcessingRequest } from ${JSON.stringify(path.join(PROJECT_ROOT, 'lambda/firehose'))};\n` +
        'export const mapEvents = (request: EventProcessingRequest) => {\n' +
        '  const call = kit(request);\n' +
        "  return call && { ...call, path: '/events-typo', body: { ...(call.body as object), ids: request.user_identites } };\n" +
        '};\n',
    );
    await waitUntil(
      () => /reload failed/.test(output()) || undefined,
      30_000,
      () => `no reload line:\n${output()}`,
    );
    await invoke();
    // Assess: the terminal names the file, line and field; the previous mapping answered.
    expect(output()).toContain(
      `reload failed, still running the previous code: ${path.dirname(copy.module)}/ does not type-check`,
    );
    expect(output()).toMatch(/mapping\.ts\(5,\d+\): error TS2551: Property 'user_identites' does not exist/);
    expect(output()).not.toMatch(/reloaded the functions/);
    expect(
      await waitUntil(
        async () => ((await paths()).length > 0 ? paths() : undefined),
        10_000,
        () => output(),
      ),
    ).toEqual(['/events-before']);
  }, 90_000);

  it('tells its terminal about each retry, park and redrive, and `npm run redrive` finds it', async () => {
    // Prepare: a one-second delivery budget: a retry or two, then a park.
    const { invokeUrl: url, output } = await startNpm({
      [DELIVERY_ENV.deliveryBudgetSeconds]: '1',
      [DELIVERY_ENV.backoffBaseMs]: '1',
      [FUNCTION_ENV.logLevel]: 'WARN',
    });
    const partnerUrl = /partner API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1] as string;
    const control = (status: number) =>
      fetch(`${partnerUrl}/_control`, { method: 'POST', body: JSON.stringify({ status }) });
    await control(503);
    await fetch(`${url}/2015-03-31/functions/firehose-ingress/invocations`, {
      method: 'POST',
      body: JSON.stringify(membershipChange(profiles(2))),
    });
    await waitUntil(
      () => /parked a delivery/.test(output()) || undefined,
      30_000,
      () => `no park line:\n${output()}`,
    );
    await control(200);
    // Act
    const redrive = await runCli(tsx, ['scripts/redrive.ts', '--local', url], { timeoutMs: 30_000 });
    await waitUntil(
      async () => (await statusOf(url)).deliveries.some((d) => d.accepted) || undefined,
      15_000,
      () => output(),
    );
    // Assess
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(redrive.stdout).toContain('moved 1 message(s)');
    const lines = output().split('\n');
    expect(
      lines.filter((l) => l === 'worker: will retry a delivery (partner answered 503)').length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      lines.filter((l) => l === 'worker: parked a delivery in the dead-letter queue (partner answered 503)'),
    ).toHaveLength(1);
    expect(lines).toContain('redrive: moved 1 message(s) from the dead-letter queue back to the delivery queue');
    // The worker's own log line names the worker, not another function.
    const parkedLog = lines.find((l) => l.includes('"message":"parked in the dead-letter queue"')) ?? '';
    expect(JSON.parse(parkedLog)).toMatchObject({ service: 'firehose-worker' });
    expect(parkedLog).not.toContain('firehose-http');
    const failed = (await statusOf(url)).deliveries.filter((d) => !d.accepted);
    expect(failed.map((d) => [d.status, d.attempt])).toEqual([
      [503, 2],
      [503, 1],
    ]);
  }, 120_000);
});
