import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import type { SQSEvent } from 'aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { ConstructPropsError } from '../../lib/errors';
import { FirehoseIntegration, type FirehoseIntegrationProps } from '../../lib/firehose-integration';
import { standInsForMissingHandlers, TEST_PARTNER_API_URL } from '../cdk/support/synth';
import { startSqsEmulator } from '../../local/sqs-emulator';
import { MAX_EVENT_PAYLOAD_BYTES, pollOnce } from '../../local/worker-runner';
import { resourcesOfType } from '../cdk/support/template-queries';
import { startDeliverySystem } from '../support/delivery-system';
import { membershipChange } from '../support/factories';
import { largeProfile } from '../support/large-payloads';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { thrownBy } from '../support/thrown';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * Issue 22, item 13: SQS holds 1 MiB per message since 2025. The construct sets that on both queues
 * explicitly, the functions chunk to what the delivery queue is set to, and only a single item above it
 * travels by claim check. (Lambda's SQS event source caps one invocation's payload at 6 MB: at 1 MiB per
 * message it hands the worker fewer than 10 records, never a message it cannot hold; docs/capacity.md.)
 */

const MIB = 1_048_576;

function synthesize(props: FirehoseIntegrationProps = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Size', { env: { region: 'eu-west-1' } });
  const integration = new FirehoseIntegration(stack, 'Firehose', {
    partnerApiUrl: TEST_PARTNER_API_URL,
    handlerEntries: standInsForMissingHandlers(),
    ...props,
  });
  return { stack, integration, template: Template.fromStack(stack) };
}

function environmentOf(template: Template, stack: Stack, fn: lambda.IFunction): Record<string, string> {
  const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  const resource = template.toJSON()['Resources'][logicalId] as {
    Properties: { Environment: { Variables: Record<string, string> } };
  };
  return resource.Properties.Environment.Variables;
}

describe('queue message size in the construct', () => {
  it('sets 1 MiB on both queues explicitly and tells the functions to chunk to it', () => {
    // Act
    const { stack, integration, template } = synthesize();

    // Assess
    expect(DELIVERY_DEFAULTS.queueMessageMaxBytes).toBe(MIB);
    const sizes = resourcesOfType(template, 'AWS::SQS::Queue').map(([, r]) => r.Properties?.['MaximumMessageSize']);
    expect(sizes).toEqual([MIB, MIB]);
    for (const fn of [integration.ingressFunction, integration.workerFunction])
      expect(environmentOf(template, stack, fn)[DELIVERY_ENV.queueMessageMaxBytes]).toBe(String(MIB));
  });

  it("chunks to a smaller delivery queue's limit when the user sets one", () => {
    // Act
    const { stack, integration, template } = synthesize({ deliveryQueueProps: { maxMessageSizeBytes: 262_144 } });

    // Assess
    expect(environmentOf(template, stack, integration.ingressFunction)[DELIVERY_ENV.queueMessageMaxBytes]).toBe(
      '262144',
    );
    expect(environmentOf(template, stack, integration.workerFunction)[DELIVERY_ENV.queueMessageMaxBytes]).toBe(
      '262144',
    );
  });

  it('refuses a dead-letter queue that holds smaller messages than the delivery queue', () => {
    // Act
    const error = thrownBy(ConstructPropsError, () =>
      synthesize({ deadLetterQueueProps: { maxMessageSizeBytes: 262_144 } }),
    );

    // Assess
    expect(error.prop).toBe('deadLetterQueueProps.maxMessageSizeBytes');
    expect(error.message).toContain(String(MIB));
  });
});

const start = stoppedAfterEach(startDeliverySystem);

describe('queue message size on a 1 MiB queue (behind the strict layer)', () => {
  it('queues a 600 KB profile in the message itself and only a 1.2 MB one by claim check; both are delivered', async () => {
    // Prepare: SQS's own limit on both local queues, the functions told the same.
    const { ingress, partner, sqs, drain, env } = await start({}, { queueMessageMaxBytes: MIB });
    const inMessage = membershipChange([largeProfile('13001', 600_000)]);
    const byClaimCheck = membershipChange([largeProfile('13002', 1_200_000)]);

    // Act
    await ingress.handle(JSON.stringify(inMessage));
    const afterFirst = { queued: sqs.peek('delivery'), objects: await sqs.objects() };
    await ingress.handle(JSON.stringify(byClaimCheck));
    const afterSecond = await sqs.objects();
    await drain();

    // Assess
    expect(env[DELIVERY_ENV.queueMessageMaxBytes]).toBe(String(MIB));
    expect(afterFirst.objects).toEqual([]);
    expect(afterFirst.queued).toHaveLength(1);
    expect(Buffer.byteLength(afterFirst.queued[0]?.body ?? '')).toBeGreaterThan(600_000);
    expect(afterSecond).toHaveLength(1);
    expect(partner.accepted.map((r) => r.bodyText.length).every((n) => n > 600_000)).toBe(true);
    expect(partner.accepted).toHaveLength(2);
    expect(sqs.refusals).toEqual([]);
  });
});

describe("the local event source keeps each worker batch under Lambda's 6 MB payload", () => {
  it('hands eight messages of 1,000,000 bytes in batches of at most 6 MB, and every one is handed once', async () => {
    // Prepare: a 1 MiB queue holding 8 near-full messages (10 would be a 10 MB event).
    const sqs = await startSqsEmulator();
    try {
      for (let i = 0; i < 8; i++)
        await sqs.sqs.send(
          new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: `${i}`.padEnd(1_000_000, 'q') }),
        );
      const eventBytes: number[] = [];
      const handed: string[] = [];
      const runner = {
        sqs: sqs.sqs,
        queueUrl: sqs.queueUrl,
        waitSeconds: 0,
        handler: async (event: SQSEvent) => {
          eventBytes.push(Buffer.byteLength(JSON.stringify(event)));
          handed.push(...event.Records.map((r) => r.body.slice(0, 1)));
          return { batchItemFailures: [] };
        },
      };

      // Act
      for (let round = 0; round < 10 && handed.length < 8; round++) await pollOnce(runner);

      // Assess
      expect(Math.max(...eventBytes)).toBeLessThanOrEqual(MAX_EVENT_PAYLOAD_BYTES);
      expect(eventBytes.length).toBeGreaterThan(1);
      expect(handed.sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
      expect(sqs.refusals).toEqual([]);
    } finally {
      await sqs.stop();
    }
  });
});
