import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SYNC_PAYLOAD_BYTES } from '../../local/lambda-invoke-api';
import { LOCAL_ACCOUNT_ID, type LocalSystem } from '../../local/local-system';
import type { SystemStatus } from '../../local/status-page';
import { membershipChange, profiles } from '../support/factories';
import { PROJECT_ROOT } from '../support/run-cli';
import { int64BatchText, SESSION_IDS } from '../support/runtime-loop';
import { SAMPLE_FILES } from '../support/samples';
import { DELIVERY_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { startTestLocalSystem } from '../support/local-system';

const run = promisify(execFile);
const eventsDir = path.join(PROJECT_ROOT, 'events');
const samples = [...SAMPLE_FILES];
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ARN = `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT_ID}:function:firehose-ingress:live`;

let system: LocalSystem;
let lambda: LambdaClient;

beforeAll(async () => {
  system = await startTestLocalSystem({
    // A 2-second delivery budget, so a call that keeps failing is parked within the test.
    // Functions stay at the suite's level (test/setup/quiet.ts): the bad-payload test's expected error would print.
    env: { [DELIVERY_ENV.deliveryBudgetSeconds]: '2', [DELIVERY_ENV.backoffBaseMs]: '1' },
  });
  lambda = new LambdaClient({ endpoint: system.invokeUrl, region: 'us-east-1', credentials });
});
afterAll(async () => {
  lambda?.destroy();
  await system?.stop();
});

const decode = (payload: Uint8Array | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as Record<string, unknown>;

async function invoke(functionName: string, payload: string | Buffer) {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    }),
  );
  return { ...out, body: decode(out.Payload) };
}

async function waitFor(check: (status: SystemStatus) => boolean, timeoutMs = 15_000): Promise<SystemStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await system.status();
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(status).slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the local Lambda Invoke API, driven by @aws-sdk/client-lambda', () => {
  it.each(samples)('invokes %s by logical name and by qualified ARN', async (file) => {
    const payload = readFileSync(path.join(eventsDir, file));
    const request = JSON.parse(payload.toString('utf8')) as { type: string };
    for (const name of ['firehose-ingress', ARN]) {
      const out = await invoke(name, payload);
      expect(out.StatusCode).toBe(200);
      expect(out.FunctionError).toBeUndefined();
      expect(out.body['type']).toBe(request.type.replace(/_request$/, '_response'));
    }
  });

  it('reports a bad payload as a Lambda function error with an error document', async () => {
    const out = await invoke('firehose-ingress', '{"type":"event_processing_request","id":"x","events":[1]}');
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(out.body).toEqual({
      errorType: 'FirehoseInputError',
      errorMessage: 'events[0]: must be an object, got number',
      trace: [],
    });
  });

  it('delivers 64-bit session ids digit for digit: the ingress runs through the runtime loop, as in AWS', async () => {
    // Prepare
    const { text, positives, negatives } = int64BatchText();
    const before = system.partner?.received.length ?? 0;
    // Act
    const out = await invoke('firehose-ingress', text);
    // Assess
    expect(out.FunctionError).toBeUndefined();
    const delivered = (system.partner?.received ?? [])
      .slice(before)
      .map((r) => r.bodyText)
      .join('\n');
    expect(delivered.split(SESSION_IDS.positive).length - 1).toBe(positives);
    expect(delivered.split(SESSION_IDS.negative).length - 1).toBe(negatives);
    expect((await system.status()).invocations[0]).toMatchObject({
      type: 'event_processing_request',
      outcome: 'delivered',
    });
  });

  it('refuses a payload over 6 MB as Lambda does: 413 RequestEntityTooLargeException, before the function runs', async () => {
    // Prepare: a Firehose message padded to the limit, and one byte over it.
    const padded = (bytes: number): Buffer => {
      const head = '{"type":"event_processing_request","id":"big","events":[],"pad":"';
      return Buffer.from(`${head}${'x'.repeat(bytes - head.length - 2)}"}`);
    };
    const before = (await system.status()).invocations.length;
    // Act
    const atLimit = await invoke('firehose-ingress', padded(MAX_SYNC_PAYLOAD_BYTES));
    const over = await invoke('firehose-ingress', padded(MAX_SYNC_PAYLOAD_BYTES + 1)).catch((error: unknown) => error);
    // Assess
    expect(MAX_SYNC_PAYLOAD_BYTES).toBe(6_291_456);
    expect(atLimit.StatusCode).toBe(200);
    expect(over).toMatchObject({ name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 } });
    expect(String((over as Error).message)).toBe(
      'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    );
    expect((await system.status()).invocations.length).toBe(Math.min(before + 1, 50));
  });

  it('answers an unknown function with ResourceNotFoundException, and lists both functions', async () => {
    await expect(invoke('no-such-function', '{}')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const list = await lambda.send(new ListFunctionsCommand({}));
    expect(list.Functions?.map((f) => f.FunctionName)).toEqual(['firehose-ingress', 'firehose-worker']);
  });
});

describe('the whole flow on one machine', () => {
  it('queues an audience change and the worker delivers it to the local partner', async () => {
    const message = membershipChange(profiles(30));
    await invoke('firehose-ingress', JSON.stringify(message));
    const status = await waitFor((s) =>
      s.deliveries.some((d) => d.idempotencyKey === `${String(message['id'])}:0` && d.accepted),
    );
    expect(status.invocations[0]).toMatchObject({ type: 'audience_membership_change_request', outcome: 'queued' });
  });

  it('retries while the partner fails, parks in the DLQ, and redrives once it heals', async () => {
    // Prepare: make the partner fail from outside, as a user would.
    const control = (status: number) =>
      fetch(`${system.partnerUrl}/_control`, { method: 'POST', body: JSON.stringify({ status }) });
    await control(503);
    const message = membershipChange(profiles(3));
    const key = `${String(message['id'])}:0`;
    // Act
    await invoke('firehose-ingress', JSON.stringify(message));
    const parked = await waitFor((s) => s.deadLetterQueue.visible === 1 && s.queue.visible + s.queue.inFlight === 0);
    const failedTries = parked.deliveries.filter((d) => d.idempotencyKey === key && !d.accepted).length;
    await control(200);
    const moved = (await (await fetch(`${system.invokeUrl}/_redrive`, { method: 'POST' })).json()) as { moved: number };
    const healed = await waitFor((s) => s.deliveries.some((d) => d.idempotencyKey === key && d.accepted));
    // Assess
    // Tried about once a second until the 2-second budget ran out.
    expect(failedTries).toBeGreaterThanOrEqual(2);
    expect(failedTries).toBeLessThanOrEqual(4);
    const failed = parked.deliveries.filter((d) => d.idempotencyKey === key);
    expect(failed.map((d) => [d.status, d.accepted])).toEqual(failed.map(() => [503, false]));
    expect(failed.map((d) => d.attempt)).toEqual(failed.map((_d, i) => failed.length - i));
    expect(moved.moved).toBe(1);
    expect(healed.deadLetterQueue.visible).toBe(0);
  });

  it('serves the HTTP variant with the same core, as the README curl example does', async () => {
    const post = (token?: string) =>
      fetch(`${system.httpUrl}/firehose`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Token ${token}` } : {}) },
        body: readFileSync(path.join(eventsDir, 'event-batch.json')),
      });
    const ok = await post('local-token');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { type: string }).type).toBe('event_processing_response');
    expect((await post()).status).toBe(401);
    expect((await system.status()).invocations[0]).toMatchObject({
      type: 'event_processing_request',
      outcome: 'delivered',
    });
  });

  it('lists refused HTTP calls on the status page (401 without a token, 400 for bad JSON), newest first', async () => {
    // Act
    const post = (body: string, token?: string) =>
      fetch(`${system.httpUrl}/firehose`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Token ${token}` } : {}) },
        body,
      });
    expect((await post('{}')).status).toBe(401);
    expect((await post('{"type":', 'local-token')).status).toBe(400);
    // Assess
    const status = await system.status();
    expect(status.refusedHttpCalls.slice(0, 2)).toEqual([
      expect.objectContaining({ method: 'POST', path: '/firehose', status: 400 }),
      expect.objectContaining({ method: 'POST', path: '/firehose', status: 401 }),
    ]);
    const html = await (await fetch(`${system.invokeUrl}/_status`)).text();
    expect(html).toContain('Refused HTTP calls');
    expect(html).toContain('<td>POST /firehose</td><td>401</td>');
  });

  it('orders every list on the status page newest first', async () => {
    const status = await system.status();
    for (const list of [status.invocations, status.deliveries, status.refusedHttpCalls]) {
      const times = list.map((entry) => entry.at);
      expect(times).toEqual([...times].sort().reverse());
    }
  });

  it('shows invocations, queue depths and deliveries on the status page', async () => {
    const html = await (await fetch(`${system.invokeUrl}/_status`)).text();
    expect(html).toContain('http-equiv="refresh"');
    expect(html).toContain('audience_membership_change_request');
    expect(html).toMatch(/dead-letter<\/td><td>0<\/td>/);
    expect(html).toContain('/audience-memberships');
    const json = (await (await fetch(`${system.invokeUrl}/_status.json`)).json()) as SystemStatus;
    expect(json.invocations.length).toBeGreaterThan(0);
    expect(json.worker.records).toBeGreaterThan(0);
  });
});

describe('the aws CLI against the local endpoint', () => {
  const awsCli = detectAwsCli();

  it('answers `aws lambda invoke` like `npm run invoke` does for the same file', async (ctx) => {
    if ('skipped' in awsCli) {
      // Said in the output, not hidden: .ci/run installs the CLI, so this shows up only where that failed.
      console.warn(`SKIPPED the README's \`aws lambda invoke\` check: ${awsCli.skipped}`);
      return ctx.skip(awsCli.skipped);
    }
    const env = {
      ...process.env,
      [PLATFORM_ENV.awsAccessKeyId]: 'local',
      [PLATFORM_ENV.awsSecretAccessKey]: 'local',
      [PLATFORM_ENV.awsDefaultRegion]: 'us-east-1',
    };
    // AWS CLI v2 needs to be told the payload is raw JSON; v1 sends it as it is.
    const v2 = awsCli.major >= 2 ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'aws-invoke-')), 'out.json');
    const { stdout } = await run(
      'aws',
      [
        'lambda',
        'invoke',
        '--endpoint-url',
        system.invokeUrl,
        '--function-name',
        'firehose-ingress',
        '--payload',
        'file://events/event-batch.json',
        ...v2,
        out,
      ],
      { env, cwd: PROJECT_ROOT },
    );
    expect(JSON.parse(stdout)).toMatchObject({ StatusCode: 200 });
    const viaCli = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    const { stdout: local } = await run(
      path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'),
      ['scripts/invoke.ts', 'events/event-batch.json'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, [DELIVERY_ENV.partnerApiUrl]: '', [DELIVERY_ENV.deliveryQueueUrl]: '' },
      },
    );
    const viaInvoke = JSON.parse(local) as Record<string, unknown>;
    const stable = ({ id: _id, timestamp_ms: _ts, ...rest }: Record<string, unknown>) => rest;
    expect(stable(viaCli)).toEqual(stable(viaInvoke));
    const { stdout: list } = await run('aws', ['lambda', 'list-functions', '--endpoint-url', system.invokeUrl], {
      env,
    });
    expect(
      (JSON.parse(list) as { Functions: { FunctionName: string }[] }).Functions.map((f) => f.FunctionName),
    ).toContain('firehose-ingress');
    // Three CLI processes (the aws CLI is Python): a bound that catches a hang, not a slow shared machine.
  }, 120_000);
});

describe('where the local services listen', () => {
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it('binds every service to 127.0.0.1', () => {
    for (const url of [system.invokeUrl, system.httpUrl, system.partnerUrl, system.sqsEndpoint])
      expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  it.skipIf(!lanAddress)("cannot be reached on the machine's network address (the SQS emulator included)", async () => {
    const reach = (port: number) =>
      new Promise<string>((resolve) => {
        const socket = net.connect({ host: lanAddress as string, port, timeout: 3_000 });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        socket.once('timeout', () => {
          socket.destroy();
          resolve('timeout');
        });
      });
    const ports = [system.invokeUrl, system.httpUrl, system.partnerUrl, system.sqsEndpoint].map((url) =>
      Number(new URL(url).port),
    );
    const results = await Promise.all(ports.map(reach));
    expect(results).toEqual(ports.map(() => 'ECONNREFUSED'));
  });
});

/** Which AWS CLI major version is on PATH (v1 and v2 read --payload differently), or why there is none usable. */
function detectAwsCli(): { major: number } | { skipped: string } {
  const result = spawnSync('aws', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error !== undefined)
    return {
      skipped: `no usable \`aws\` on PATH (${result.error.message}); install the AWS CLI (Debian: apt-get install awscli)`,
    };
  const output = `${result.stdout}${result.stderr}`;
  const major = /aws-cli\/(\d+)\./.exec(output)?.[1];
  if (result.status !== 0 || major === undefined)
    return {
      skipped: `\`aws --version\` did not name a version (exit ${String(result.status)}): ${output.trim().slice(0, 200)}`,
    };
  return { major: Number(major) };
}
