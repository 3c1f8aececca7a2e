import { afterAll, describe, expect, it } from 'vitest';
import { removeTaskRoots, startSandbox, taskRootWithHandler, type Sandbox } from '../support/runtime-loop';
import { FUNCTION_ENV } from '../../lambda/config/environment';

/**
 * Where the runtime loop must behave as the managed runtime's client (aws-lambda-ric 3.3 and 4.0) does: the init
 * errors it reports, a handler promise that never settles, and the X-Ray error cause. Each case runs the real
 * wrapper and loop against the Runtime API stand-in, with a stand-in handler.
 */
const sandboxes: Sandbox[] = [];

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.stop()));
  removeTaskRoots();
});

async function sandboxWith(source: string): Promise<Sandbox> {
  const started = await startSandbox(await taskRootWithHandler(source), { [FUNCTION_ENV.logLevel]: 'WARN' });
  sandboxes.push(started);
  return started;
}

const json = (body: Buffer | undefined): Record<string, unknown> =>
  JSON.parse((body ?? Buffer.from('{}')).toString('utf8')) as Record<string, unknown>;

/** The loop's own log lines, parsed. */
const logged = (box: Sandbox): Record<string, unknown>[] =>
  box.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('init errors, as the managed runtime reports them', () => {
  it('names the missing dependency, not the handler module, in a Runtime.ImportModuleError', async () => {
    // Prepare
    const box = await sandboxWith(
      'const sdk = require("@example/not-installed"); exports.rawHandler = async () => sdk;',
    );
    // Act
    const waiting = box.api.invoke({ payload: '{}' });
    const code = await box.exited;
    // Assess: the RIC's message is String(error); its first line names the module.
    const [initError] = box.api.initErrors;
    expect(json(initError?.body)).toEqual({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Error: Cannot find module '@example/not-installed'",
      trace: [],
    });
    expect(initError?.headers['lambda-runtime-function-error-type']).toBe('Runtime.ImportModuleError');
    expect((await waiting).kind).toBe('init-error');
    expect(code).toBe(129);
  });

  it('reports a syntax error in the handler as Runtime.UserCodeSyntaxError', async () => {
    // Prepare
    const box = await sandboxWith('exports.rawHandler = async () => {');
    // Act
    await box.exited;
    // Assess
    const [initError] = box.api.initErrors;
    expect(json(initError?.body)).toEqual({
      errorType: 'Runtime.UserCodeSyntaxError',
      errorMessage: expect.stringMatching(/^SyntaxError: /),
      trace: [],
    });
    expect(initError?.headers['lambda-runtime-function-error-type']).toBe('Runtime.UserCodeSyntaxError');
  });

  it('posts a rejection during async module init as an init error and exits with 128', async () => {
    // Prepare: the module starts its set-up and awaits it only in the handler, as a lazily prepared client would.
    const box = await sandboxWith(`
      const ready = Promise.reject(new Error('no configuration'));
      exports.rawHandler = async () => { await ready; return {}; };`);
    // Act
    const waiting = box.api.invoke({ payload: '{}' });
    const code = await box.exited;
    // Assess
    const [initError] = box.api.initErrors;
    expect(json(initError?.body)).toEqual({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: no configuration',
      trace: [],
    });
    expect(initError?.headers['lambda-runtime-function-error-type']).toBe('Runtime.UnhandledPromiseRejection');
    expect((await waiting).kind).toBe('init-error');
    expect(code).toBe(128);
  });

  it('posts a rejection that comes while the loop already waits for its first invocation', async () => {
    // Prepare: nothing queued, so the loop's one kept-alive socket is busy with /next when the rejection comes.
    const box = await sandboxWith(`
      setTimeout(() => Promise.reject('settings unreadable'), 50);
      exports.rawHandler = async () => ({});`);
    // Act
    const code = await box.exited;
    // Assess
    expect(box.api.initErrors.map((e) => json(e.body))).toEqual([
      { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'settings unreadable', trace: [] },
    ]);
    expect(code).toBe(128);
  });

  it('posts an exception thrown by a timer during init as an init error and exits with 129', async () => {
    // Prepare
    const box = await sandboxWith(`
      setTimeout(() => { throw new RangeError('late failure'); }, 20);
      exports.rawHandler = async () => ({});`);
    // Act
    const code = await box.exited;
    // Assess
    const [initError] = box.api.initErrors;
    expect(json(initError?.body)).toEqual({ errorType: 'RangeError', errorMessage: 'late failure', trace: [] });
    expect(code).toBe(129);
  });
});

describe('a handler promise that never settles', () => {
  it('gets the managed runtime’s Runtime.NodeJsExit error, and the loop serves the next invocation', async () => {
    // Prepare: nothing keeps the event loop busy, so Node would end the process with code 0.
    const box = await sandboxWith(`
      exports.rawHandler = async (payload) =>
        payload.toString() === 'hang' ? new Promise(() => {}) : { served: true };`);
    const exited = box.exited.then((code) => Promise.reject(new Error(`the loop exited with code ${code}`)));
    // Act
    const hung = await Promise.race([box.api.invoke({ payload: 'hang' }), exited]);
    const next = await Promise.race([box.api.invoke({ payload: '{}' }), exited]);
    // Assess
    expect(hung.kind).toBe('error');
    expect(json(hung.body)).toEqual({
      errorType: 'Runtime.NodeJsExit',
      errorMessage: expect.stringContaining('most commonly caused by a Promise that was never settled'),
      trace: [],
    });
    expect(next.kind).toBe('response');
    expect(json(next.body)).toEqual({ served: true });
    expect(box.child.exitCode).toBeNull();
    expect(logged(box).find((l) => l['errorType'] === 'Runtime.NodeJsExit')).toMatchObject({ level: 'ERROR' });
  });
});

describe('the X-Ray error cause', () => {
  it('sends Lambda-Runtime-Function-XRay-Error-Cause with each invocation error, in the RIC’s form', async () => {
    // Prepare
    const box = await sandboxWith(`
      function failDeliberately() { throw new TypeError('bad “input” \\u007f here'); }
      exports.rawHandler = async () => failDeliberately();`);
    // Act
    const outcome = await box.api.invoke({ payload: '{}' });
    // Assess
    expect(outcome.kind).toBe('error');
    const header = outcome.headers['lambda-runtime-function-xray-error-cause'];
    expect(typeof header).toBe('string');
    const cause = JSON.parse(String(header)) as {
      working_directory: string;
      exceptions: { type: string; message: string; stack: { path: string; line: number; label: string }[] }[];
      paths: string[];
    };
    expect(cause.working_directory).toBe(process.cwd());
    expect(cause.exceptions).toHaveLength(1);
    expect(cause.exceptions[0]).toMatchObject({ type: 'TypeError', message: 'bad “input” %7F here' });
    const [top] = cause.exceptions[0]?.stack ?? [];
    expect(top).toEqual({
      path: expect.stringMatching(/index\.js$/),
      line: expect.any(Number),
      label: 'failDeliberately',
    });
    expect(cause.paths).toContain(top?.path);
    // The caller's document stays without a stack; DEL is written as the client writes it there too.
    expect(json(outcome.body)).toEqual({ errorType: 'TypeError', errorMessage: 'bad “input” %7F here', trace: [] });
  });

  it('leaves the header out when the cause would be too long for a header', async () => {
    // Prepare
    const box = await sandboxWith(`exports.rawHandler = async () => { throw new Error('x'.repeat(100000)); };`);
    // Act
    const outcome = await box.api.invoke({ payload: '{}' });
    // Assess
    expect(outcome.kind).toBe('error');
    expect(outcome.headers['lambda-runtime-function-xray-error-cause']).toBeUndefined();
    expect(json(outcome.body)['errorMessage']).toHaveLength(100000);
  });
});
