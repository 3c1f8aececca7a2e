import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSamples } from './support/samples';
import { startHttpSystem, type HttpAnswer, type HttpSystem } from './support/http-system';

/** Every sample in events/ over HTTP, on /firehose and on its kind's own route, against the real pipeline. */

let system: HttpSystem;
beforeAll(async () => {
  system = await startHttpSystem();
});
afterAll(async () => {
  await system.stop();
});

const samples = loadSamples();
const withoutEnvelope = ({ id: _id, timestamp_ms: _ts, ...rest }: Record<string, unknown>) => rest;

function expectFirehoseAnswer(answer: HttpAnswer, requestType: string): void {
  expect([200, 202], answer.text).toContain(answer.status);
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(answer.json()['type']).toBe(requestType.replace(/_request$/, '_response'));
}

describe('the samples in events/ over HTTP', () => {
  it('has samples of every request kind', () => {
    expect(new Set(samples.map((s) => s.route.path))).toEqual(
      new Set(['/registration', '/events', '/audience', '/dsr']),
    );
  });

  it.each(samples.map((s) => [s.file, s] as const))(
    'answers %s on /firehose and on its own route, as the Lambda path does',
    async (_file, sample) => {
      // Prepare: the answer of the Lambda path to the same text.
      const { response: lambdaAnswer } = await system.delivery.ingress.handle(sample.text);
      // Act
      const onFirehose = await system.post('/firehose', sample.text);
      const onOwnRoute = await system.post(sample.route.path, sample.text);
      // Assess
      for (const answer of [onFirehose, onOwnRoute]) {
        expectFirehoseAnswer(answer, sample.type);
        expect(withoutEnvelope(answer.json())).toEqual(
          withoutEnvelope(lambdaAnswer as unknown as Record<string, unknown>),
        );
      }
    },
  );

  it('answers module registration without a token, on /firehose and on /registration', async () => {
    // Prepare
    const registration = samples.find((s) => s.type === 'module_registration_request');
    expect(registration).toBeDefined();
    // Act
    const answers = [
      await system.post('/firehose', registration?.text ?? '', { authorization: undefined }),
      await system.post('/registration', registration?.text ?? '', { authorization: undefined }),
    ];
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ type: 'module_registration_response', name: 'Kit Test Webhook' });
    }
  });
});
