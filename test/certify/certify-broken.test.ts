import { afterEach, describe, expect, it } from 'vitest';
import { runCertify } from '../../certify/run';
import type { CheckResult } from '../../certify/types';
import { certifyArgs, certifyDeps, failures, GENEROUS_BUDGET_MS, localTarget, row } from '../support/certify';
import {
  kitResponder,
  mutateResponses,
  startFakeHttpEndpoint,
  startFakeInvokeApi,
  type FakeServer,
  type Responder,
} from '../support/fake-firehose-endpoints';

/**
 * Endpoints that run the kit's real ingress but break its answers in one way each: certify must fail, and
 * name the check and the reason.
 */

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Certifies a fake endpoint; latency is judged on a generous budget unless the test is about latency. */
async function certifyInvoke(
  respond: Responder,
  options: Parameters<typeof startFakeInvokeApi>[1] = {},
  budget: 'generous' | 'mparticle' = 'generous',
): Promise<CheckResult[]> {
  server = await startFakeInvokeApi(respond, options);
  return runCertify(
    certifyArgs(localTarget(server.url), budget === 'generous' ? { budgetMs: GENEROUS_BUDGET_MS } : {}),
    certifyDeps(),
  );
}

const failedChecks = (results: readonly CheckResult[]): string[] => failures(results).map((r) => r.check);

describe('certify fails, naming the check, against a broken endpoint', () => {
  it('when responses repeat the request id', async () => {
    // Act
    const results = await certifyInvoke(
      mutateResponses(kitResponder(), (response, request) => ({ ...response, id: request['id'] })),
    );
    // Assess
    expect(row(results, 'fresh response ids')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("repeat the request's id"),
    });
    expect(row(results, 'verification: no events')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("id repeats the request's id"),
    });
  });

  it('when every response carries the same id', async () => {
    // Act
    const results = await certifyInvoke(
      mutateResponses(kitResponder(), (response) => ({ ...response, id: 'always-the-same' })),
    );
    // Assess
    expect(row(results, 'fresh response ids')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("repeat an earlier response's id"),
    });
  });

  it('when the response type is wrong', async () => {
    // Act
    const results = await certifyInvoke(
      mutateResponses(kitResponder(), (response) => ({ ...response, type: 'event_processing_request' })),
    );
    // Assess
    expect(row(results, 'verification: user_profiles []')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(
        'type is "event_processing_request", expected "audience_membership_change_response"',
      ),
    });
  });

  it('when firehose_version is missing, or timestamp_ms is stale', async () => {
    // Act
    const results = await certifyInvoke(
      mutateResponses(kitResponder(), ({ firehose_version: _dropped, ...response }) => ({
        ...response,
        timestamp_ms: Date.now() - 3_600_000,
      })),
    );
    // Assess
    expect(row(results, 'registration: answer').detail).toContain('firehose_version is missing');
    expect(row(results, 'registration: answer').detail).toContain('timestamp_ms is -3600 s away from now');
  });

  it('when a membership response lacks suspend_subscription', async () => {
    // Act
    const results = await certifyInvoke(
      mutateResponses(kitResponder(), ({ suspend_subscription: _dropped, ...response }) => response),
    );
    // Assess
    expect(failedChecks(results)).toEqual(['verification: user_profiles []', 'verification: no user_profiles']);
    expect(row(results, 'verification: no user_profiles').detail).toBe('suspend_subscription must be true or false');
  });

  it('when the registration breaks a protocol rule, and when it is not the one in this checkout', async () => {
    // Act
    const results = await certifyInvoke(
      mutateResponses(kitResponder(), (response) =>
        response['type'] === 'module_registration_response'
          ? { ...response, description: 'x'.repeat(300), version: '0.9' }
          : response,
      ),
    );
    // Assess
    expect(row(results, 'registration: protocol rules')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('description: has 300 characters'),
    });
    expect(row(results, 'registration: same as this checkout')).toMatchObject({
      status: 'fail',
      detail: 'differs at description, version (a stale deployment?)',
    });
    expect(row(results, 'registration: answer').status).toBe('pass');
  });

  it('when a refusal carries a stack trace, in the trace or in the message', async () => {
    // Act
    const traced = await certifyInvoke(kitResponder(), {
      trace: () => ['FirehoseInputError: x', '    at parse (/var/task/index.js:1:2345)'],
    });
    // Assess
    expect(row(traced, 'bad input: no id')).toMatchObject({
      status: 'fail',
      detail: 'the answer carries a stack trace',
    });
    await server?.close();
    const inMessage = await certifyInvoke(kitResponder(), { errorMessage: (error) => error.stack ?? '' });
    expect(row(inMessage, 'bad input: events not an array').detail).toContain('the answer carries a stack trace');
  });

  it("but not for the Node runtime's one-line trace of a stack-less error (what AWS sends)", async () => {
    // Act
    const results = await certifyInvoke(kitResponder(), { trace: (error) => [`${error.name}: ${error.message}`] });
    // Assess
    expect(failures(results)).toEqual([]);
  });

  it('when a refusal repeats the input, or does not name the field', async () => {
    // Act
    const echoed = await certifyInvoke(kitResponder(), {
      errorMessage: (error, payload) => `${error.message} in ${payload}`,
    });
    // Assess
    expect(row(echoed, 'bad input: an event not an object').detail).toBe(
      'the answer repeats the input (a value from the request)',
    );
    await server?.close();
    const vague = await certifyInvoke(kitResponder(), { errorMessage: () => 'invalid request' });
    expect(row(vague, 'bad input: audiences not an array').detail).toBe(
      'the error does not name "user_profiles[0].audiences": "invalid request"',
    );
  });

  it('when bad input is accepted', async () => {
    const lenient: Responder = async (text) => {
      const reply = await kitResponder()(text);
      return reply.kind === 'error' ? { kind: 'result', value: { type: 'event_processing_response' } } : reply;
    };
    // Act
    const results = await certifyInvoke(lenient);
    // Assess
    expect(row(results, 'bad input: no type')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('it must be refused'),
    });
  });

  it('when warm answers are slower than the 200 ms budget', async () => {
    const inner = kitResponder();
    const slow: Responder = async (text) => {
      if (text.includes('"events":[]')) await new Promise((resolve) => setTimeout(resolve, 230));
      return inner(text);
    };
    // Act
    const results = await certifyInvoke(slow, {}, 'mparticle');
    // Assess
    expect(row(results, 'latency: warm')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('p50 and p99 over budget'),
    });
    expect(row(results, 'latency: first call').status).toBe('note');
  });

  it('when nothing answers', async () => {
    // Prepare / Act
    server = await startFakeInvokeApi(kitResponder());
    const url = server.url;
    await server.close();
    server = undefined;
    const results = await runCertify(certifyArgs(localTarget(url)), certifyDeps());
    // Assess
    expect(results).toEqual([expect.objectContaining({ check: 'reachable', status: 'fail', region: 'local' })]);
  });

  it('with --with-data, when the partner never receives the messages', async () => {
    // Prepare / Act
    server = await startFakeInvokeApi(kitResponder());
    const results = await runCertify(
      certifyArgs(localTarget(server.url), { withData: true, repeat: 1 }),
      certifyDeps({ receiptTimeoutMs: 300 }),
    );
    // Assess
    expect(row(results, 'data: partner received every message')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('no accepted delivery for request(s) '),
    });
  });
});

describe('certify fails against a broken HTTP variant', () => {
  it('answering 500 with a stack trace for bad input, and not asking for the token', async () => {
    // Prepare / Act
    server = await startFakeHttpEndpoint(kitResponder(), {
      errorStatus: 500,
      errorBody: (error) => ({ error: error.message, stack: error.stack }),
    });
    const results = await runCertify(
      certifyArgs(
        { kind: 'http', url: server.url, tokenEnv: 'CERTIFY_TEST_TOKEN', region: undefined },
        { budgetMs: GENEROUS_BUDGET_MS },
      ),
      certifyDeps({ env: { CERTIFY_TEST_TOKEN: 'tok-planted-1234' } }),
    );
    // Assess
    expect(row(results, 'refuses a call without the token')).toMatchObject({
      status: 'fail',
      detail: 'expected HTTP 401, got 200',
    });
    expect(row(results, 'bad input: not JSON').detail).toBe('HTTP 500, expected 400; the answer carries a stack trace');
    expect(server.authorizations).toContain('Token tok-planted-1234');
    expect(JSON.stringify(results)).not.toContain('tok-planted-1234');
  });
});
