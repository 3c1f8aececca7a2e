import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerServer, type PartnerServer } from '../../local/partner-api-stand-in';
import { bundleIngressWithLoop } from '../../local/runtime-loop-process';
import { KIT_INTEGRATION_MODULE } from '../support/kit-integration-module';
import { customEvents, eventBatch } from '../support/factories';
import { GENEROUS_INLINE_DEADLINE_MS } from '../support/lambda-env';
import {
  int64BatchText,
  removeTaskRoots,
  SESSION_IDS,
  startSandbox,
  taskRootWithHandler,
  testTaskRoot,
  type Sandbox,
} from '../support/runtime-loop';
import { DELIVERY_ENV, FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

/**
 * The bundled ingress behind the real wrapper and loop, started as Lambda's Node.js bootstrap starts it, on
 * a Runtime API stand-in; a loopback partner API receives what the ingress delivers.
 */
let ingressRoot: string;
let partner: PartnerServer;
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  ingressRoot = await bundleIngressWithLoop(testTaskRoot(), { integrationModule: KIT_INTEGRATION_MODULE });
  partner = await startPartnerServer();
}, 60_000);

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.stop()));
  await partner?.stop();
  removeTaskRoots();
});

async function sandbox(root: string, env: Record<string, string | undefined> = {}): Promise<Sandbox> {
  const started = await startSandbox(root, { [FUNCTION_ENV.logLevel]: 'WARN', ...env });
  sandboxes.push(started);
  return started;
}

const delivering = (): Record<string, string> => ({
  [DELIVERY_ENV.partnerApiUrl]: partner.url,
  // In-line delivery only: a generous deadline keeps a busy machine from spilling to this (absent) queue.
  [DELIVERY_ENV.deliveryQueueUrl]: 'http://127.0.0.1:9/000000000000/unused',
  [DELIVERY_ENV.deadLetterQueueUrl]: 'http://127.0.0.1:9/000000000000/unused-dlq',
  [DELIVERY_ENV.localSealingKey]: randomBytes(32).toString('base64'),
  [DELIVERY_ENV.inlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
});

const json = (body: Buffer): Record<string, unknown> => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

describe('the ingress through the runtime loop', () => {
  it('delivers 64-bit session ids digit for digit, positive and negative, in every event type', async () => {
    // Prepare
    const { text, positives, negatives } = int64BatchText();
    const box = await sandbox(ingressRoot, delivering());
    const before = partner.received.length;
    // Act
    const outcome = await box.api.invoke({ payload: text });
    // Assess
    expect(outcome.kind).toBe('response');
    expect(json(outcome.body)).toMatchObject({ type: 'event_processing_response' });
    const delivered = partner.received
      .slice(before)
      .map((r) => r.bodyText)
      .join('\n');
    expect(delivered.split(SESSION_IDS.positive).length - 1).toBe(positives);
    expect(delivered.split(SESSION_IDS.negative).length - 1).toBe(negatives);
    expect(delivered).not.toMatch(/4957918240501248000|-2271448330363288800/);
  });

  it('answers bad input with the managed runtime’s error document: type, message with the field path, no trace', async () => {
    // Prepare
    const box = await sandbox(ingressRoot);
    // Act
    const outcome = await box.api.invoke({ payload: '{"type":"event_processing_request","id":"x","events":[1]}' });
    // Assess
    expect(outcome.kind).toBe('error');
    expect(json(outcome.body)).toEqual({
      errorType: 'FirehoseInputError',
      errorMessage: expect.stringContaining('events[0]'),
      trace: [],
    });
    expect(outcome.body.toString()).not.toMatch(/\n|\bat \/|\.js:\d+/);
    expect(outcome.headers['content-type']).toBe('application/json');
    expect(outcome.headers['lambda-runtime-function-error-type']).toBeUndefined();
  });

  it('keeps serving after an error, on the same process', async () => {
    // Prepare
    const box = await sandbox(ingressRoot);
    // Act
    const failed = await box.api.invoke({ payload: 'not json' });
    const served = await box.api.invoke({ payload: JSON.stringify(eventBatch(customEvents(2))) });
    // Assess
    expect(failed.kind).toBe('error');
    expect(served.kind).toBe('response');
    expect(box.child.exitCode).toBeNull();
  });

  it('serves a thousand invocations in a row with a bounded heap', async () => {
    // Prepare: a probe around the ingress reports the heap after a full collection when asked to.
    const root = await taskRootWithHandler(`
      const ingress = require(${JSON.stringify(`${ingressRoot}/index.js`)});
      exports.rawHandler = async (payload, context) => {
        if (!context.clientContext?.custom?.heap) return ingress.rawHandler(payload, context);
        globalThis.gc();
        return { heapUsed: process.memoryUsage().heapUsed };
      };`);
    const box = await sandbox(root, { [FUNCTION_ENV.logLevel]: 'ERROR' });
    const payload = int64BatchText().text;
    const heap = async () => {
      const outcome = await box.api.invoke({
        payload: '{}',
        clientContext: JSON.stringify({ custom: { heap: true } }),
      });
      return json(outcome.body)['heapUsed'] as number;
    };
    for (let i = 0; i < 100; i++) await box.api.invoke({ payload });
    const warm = await heap();
    // Act
    const outcomes: string[] = [];
    for (let i = 0; i < 1000; i++) outcomes.push((await box.api.invoke({ payload })).kind);
    const after = await heap();
    // Assess
    expect(outcomes.every((kind) => kind === 'response')).toBe(true);
    // A leak of even 2 KB per invocation would show as 2 MB.
    console.info('heap after 100 and after 1,100 invocations (bytes):', warm, after);
    expect(after - warm).toBeLessThan(2 * 1024 * 1024);
    expect(box.child.exitCode).toBeNull();
  }, 120_000);
});

describe('the runtime loop', () => {
  const PROBE = `
    exports.rawHandler = async (payload, context) => ({
      isBuffer: Buffer.isBuffer(payload),
      text: payload.toString('utf8'),
      requestId: context.awsRequestId,
      arn: context.invokedFunctionArn,
      remainingMs: context.getRemainingTimeInMillis(),
      traceId: process.env[${JSON.stringify(PLATFORM_ENV.lambdaTraceId)}],
      clientContext: context.clientContext,
      functionName: context.functionName,
      memoryLimitInMB: context.memoryLimitInMB,
    });`;

  it('gives the handler the raw bytes, the trace id and a Context from the headers', async () => {
    // Prepare
    const root = await taskRootWithHandler(PROBE);
    const box = await sandbox(root, {
      [PLATFORM_ENV.lambdaFunctionName]: 'firehose-ingress',
      [PLATFORM_ENV.lambdaMemorySize]: '1024',
    });
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:firehose-ingress:live';
    const traceId = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    // Act
    const outcome = await box.api.invoke({
      payload: `{"session_id":${SESSION_IDS.positive}}`,
      requestId: 'req-1',
      deadlineMs: Date.now() + 60_000,
      traceId,
      invokedFunctionArn: arn,
      clientContext: JSON.stringify({ custom: { from: 'test' } }),
    });
    const second = await box.api.invoke({ payload: '{}', traceId: 'Root=1-00000000-000000000000000000000002' });
    // Assess
    expect(outcome.kind).toBe('response');
    const seen = json(outcome.body);
    expect(seen).toMatchObject({
      isBuffer: true,
      text: `{"session_id":${SESSION_IDS.positive}}`,
      requestId: 'req-1',
      arn,
      traceId,
      clientContext: { custom: { from: 'test' } },
      functionName: 'firehose-ingress',
      memoryLimitInMB: '1024',
    });
    expect(seen['remainingMs']).toBeGreaterThan(30_000);
    expect(seen['remainingMs']).toBeLessThanOrEqual(60_000);
    expect(json(second.body)['traceId']).toBe('Root=1-00000000-000000000000000000000002');
  });

  it.each([
    ['Runtime.HandlerNotFound', 'exports.handler = async () => ({});'],
    ['TypeError', `throw new TypeError("${DELIVERY_ENV.partnerApiUrl} is not a valid URL");`],
  ])('reports %s at init to /init/error with the error-type header, then exits', async (errorType, source) => {
    // Prepare
    const root = await taskRootWithHandler(source);
    const box = await sandbox(root);
    // Act
    const waiting = box.api.invoke({ payload: '{}' });
    const code = await box.exited;
    // Assess
    expect(code).not.toBe(0);
    const [initError] = box.api.initErrors;
    expect(json(initError?.body ?? Buffer.from('{}'))).toEqual({
      errorType,
      errorMessage: expect.any(String),
      trace: [],
    });
    expect(initError?.headers['lambda-runtime-function-error-type']).toBe(errorType);
    expect((await waiting).kind).toBe('init-error');
  });

  it('reports an uncaught error against the invocation in flight and exits, so Lambda starts a new sandbox', async () => {
    // Prepare
    const root = await taskRootWithHandler(`
      exports.rawHandler = () => new Promise(() => { setTimeout(() => { throw new RangeError('boom'); }, 1); });`);
    const box = await sandbox(root);
    // Act
    const outcome = await box.api.invoke({ payload: '{}' });
    const code = await box.exited;
    // Assess
    expect(outcome.kind).toBe('error');
    expect(json(outcome.body)).toEqual({ errorType: 'RangeError', errorMessage: 'boom', trace: [] });
    expect(code).toBe(129);
    const logged = box.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['errorType'] === 'RangeError');
    expect(logged).toMatchObject({
      level: 'ERROR',
      errorMessage: 'boom',
      stack: expect.stringContaining('RangeError: boom'),
    });
  });

  it('honours the log level for its own lines, but always says which runtime started and why a sandbox ended', async () => {
    // Prepare
    const failing = await taskRootWithHandler('exports.rawHandler = async () => { throw new TypeError("quiet"); };');
    const crashing = await taskRootWithHandler(`
      exports.rawHandler = () => new Promise(() => { setTimeout(() => { throw new RangeError('loud'); }, 1); });`);
    const loud = await sandbox(failing, { [FUNCTION_ENV.logLevel]: 'INFO' });
    const silent = await sandbox(failing, { [FUNCTION_ENV.logLevel]: 'SILENT' });
    const silentCrash = await sandbox(crashing, { [FUNCTION_ENV.logLevel]: 'SILENT' });
    // Act
    const outcomes = [await loud.api.invoke({ payload: '{}' }), await silent.api.invoke({ payload: '{}' })];
    await silentCrash.api.invoke({ payload: '{}' });
    await silentCrash.exited;
    // Assess: the caller gets the error document at any level; the log keeps only what it must.
    for (const outcome of outcomes) expect(json(outcome.body)).toMatchObject({ errorType: 'TypeError' });
    const messages = (box: Sandbox) => box.lines.map((l) => (JSON.parse(l) as Record<string, unknown>)['message']);
    expect(messages(loud)).toEqual(['runtime loop ready', 'invocation failed']);
    expect(messages(silent)).toEqual(['runtime loop ready']);
    expect(messages(silentCrash)).toEqual([
      'runtime loop ready',
      'uncaught error: exiting so that Lambda starts a new sandbox',
    ]);
  });

  it('writes every log line as one JSON object', async () => {
    // Prepare
    const root = await taskRootWithHandler(
      'exports.rawHandler = async () => { throw new Error("line one\\nline two"); };',
    );
    const box = await sandbox(root);
    // Act
    await box.api.invoke({ payload: '{}' });
    // Assess
    expect(box.lines.length).toBeGreaterThan(0);
    for (const line of box.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
