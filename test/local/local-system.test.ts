import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/delivery/defaults';
import { LOCAL_ACCOUNT_ID, startLocalSystem, type LocalSystem } from '../../local/local-system';
import type { SystemStatus } from '../../local/status-page';
import { membershipChange, profiles } from '../support/factories';
import { PROJECT_ROOT } from '../support/run-cli';

const run = promisify(execFile);
const eventsDir = path.join(PROJECT_ROOT, 'events');
const samples = readdirSync(eventsDir).filter((f) => f.endsWith('.json'));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ARN = `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT_ID}:function:firehose-ingress:live`;

let system: LocalSystem;
let lambda: LambdaClient;

beforeAll(async () => {
  system = await startLocalSystem({
    invokePort: 0,
    httpPort: 0,
    partnerPort: 0,
    sqsPort: 0,
    region: 'us-east-1',
    // A 2-second delivery budget, so a call that keeps failing is parked within the test.
    env: { [ENV.deliveryBudgetSeconds]: '2', [ENV.backoffBaseMs]: '1', LOG_LEVEL: 'ERROR' },
  });
  lambda = new LambdaClient({ endpoint: system.invokeUrl, region: 'us-east-1', credentials });
});
afterAll(async () => {
  lambda?.destroy();
  await system?.stop();
});

const decode = (payload: Uint8Array | undefined): Record<string, unknown> => JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as Record<string, unknown>;

async function invoke(functionName: string, payload: string | Buffer) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: typeof payload === 'string' ? Buffer.from(payload) : payload }));
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
    expect(out.body).toEqual({ errorType: 'FirehoseInputError', errorMessage: 'events[0]: must be an object, got number', trace: [] });
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
    const status = await waitFor((s) => s.deliveries.some((d) => d.idempotencyKey === `${String(message['id'])}:0` && d.accepted));
    expect(status.invocations[0]).toMatchObject({ type: 'audience_membership_change_request', outcome: 'queued' });
  });

  it('retries while the partner fails, parks in the DLQ, and redrives once it heals', async () => {
    // Prepare: make the partner fail from outside, as a user would.
    const control = (status: number) => fetch(`${system.partnerUrl}/_control`, { method: 'POST', body: JSON.stringify({ status }) });
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
    expect((await system.status()).invocations[0]).toMatchObject({ type: 'event_processing_request', outcome: 'delivered' });
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
  const hasAws = (() => {
    try {
      require('node:child_process').execFileSync('aws', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!hasAws) console.info('skipping the aws CLI tests: no `aws` on PATH');

  it.skipIf(!hasAws)('answers `aws lambda invoke` like `npm run invoke` does for the same file', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' };
    const { stdout: version } = await run('aws', ['--version'], { env });
    // AWS CLI v2 needs to be told the payload is raw JSON; v1 sends it as it is.
    const v2 = /aws-cli\/2\./.test(version) ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'aws-invoke-')), 'out.json');
    const { stdout } = await run(
      'aws',
      ['lambda', 'invoke', '--endpoint-url', system.invokeUrl, '--function-name', 'firehose-ingress', '--payload', 'file://events/event-batch.json', ...v2, out],
      { env, cwd: PROJECT_ROOT },
    );
    expect(JSON.parse(stdout)).toMatchObject({ StatusCode: 200 });
    const viaCli = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    const { stdout: local } = await run(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['scripts/invoke.ts', 'events/event-batch.json'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PARTNER_API_URL: '', DELIVERY_QUEUE_URL: '' },
    });
    const viaInvoke = JSON.parse(local) as Record<string, unknown>;
    const stable = ({ id: _id, timestamp_ms: _ts, ...rest }: Record<string, unknown>) => rest;
    expect(stable(viaCli)).toEqual(stable(viaInvoke));
    const { stdout: list } = await run('aws', ['lambda', 'list-functions', '--endpoint-url', system.invokeUrl], { env });
    expect((JSON.parse(list) as { Functions: { FunctionName: string }[] }).Functions.map((f) => f.FunctionName)).toContain('firehose-ingress');
  });
});

describe('npm start', () => {
  it('starts in a few seconds, prints where everything is, and stops cleanly on Ctrl-C', async () => {
    const child = spawn('npm', ['start'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, INVOKE_PORT: '0', HTTP_PORT: '0', PARTNER_PORT: '0', SQS_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Lambda Invoke API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(match[1] as string);
        } else if (Date.now() - started > 20_000) {
          clearInterval(timer);
          reject(new Error(`npm start printed no URL:\n${output}`));
        }
      }, 50);
    });
    const startupMs = Date.now() - started;
    const client = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials });
    const out = await client.send(new InvokeCommand({ FunctionName: 'firehose-ingress', Payload: readFileSync(path.join(eventsDir, 'event-batch.json')) }));
    client.destroy();
    expect(decode(out.Payload)['type']).toBe('event_processing_response');
    // Ctrl-C reaches the whole process group, as in a terminal.
    process.kill(-(child.pid as number), 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).toContain('stopped');
    expect([0, 130]).toContain(code ?? 0);
    expect(startupMs).toBeLessThan(15_000);
    console.info(`npm start: ready in ${startupMs} ms (process start included)`);
  }, 40_000);
});
