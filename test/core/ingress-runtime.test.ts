import { describe, expect, it } from 'vitest';
import { integration } from '../support/kit-integration';
import { createIngressRuntime } from '../../lambda/composition/ingress-runtime';
import { capturingLogger } from '../support/delivery-system';
import { dsrErasure } from '../support/factories';
import { recordingPort } from '../support/recording-port';

describe('the ingress runtime log line', () => {
  it('is a warning naming the subject request type when a DSR request is not an erasure', async () => {
    // Prepare
    const lines: string[] = [];
    const runtime = createIngressRuntime(
      { integration, delivery: recordingPort().port, maxMessageBytes: 256 * 1024, suspendOnAuthFailure: false },
      capturingLogger('firehose-ingress', lines),
    );
    // Act
    await runtime.handle(dsrErasure({ subject_request_type: 'access' }));
    // Assess
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'WARN',
      message: 'skipped a DSR request that is not an erasure',
      subjectRequestType: 'access',
      outcome: 'nothing-to-send',
      calls: 0,
    });
  });
});
