import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRedriveArgs, queuesFromOutputs } from '../../local/redrive-target';
import { describeRedrive, runRedrive } from '../../local/run-redrive';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';
import path from 'node:path';
import { DELIVERY_ENV, LOCAL_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { readPointer } from '../../lambda/delivery/claim-check';
import { startDeliverySystem, type DeliverySystem } from '../support/delivery-system';
import { membershipChange, profile } from '../support/factories';
import { largeProfile } from '../support/large-payloads';
import { UsageError } from '../../local/errors';

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
afterAll(() => stopAll());

describe('npm run redrive: choosing what to redrive', () => {
  it.each<[string, string[], Record<string, string>, unknown]>([
    [
      'nothing: the local system on its default port',
      [],
      {},
      { target: { kind: 'local', invokeUrl: 'http://127.0.0.1:3001' } },
    ],
    [
      `nothing, with ${LOCAL_ENV.invokePort}`,
      [],
      { [LOCAL_ENV.invokePort]: '4001' },
      { target: { kind: 'local', invokeUrl: 'http://127.0.0.1:4001' } },
    ],
    [
      '--local URL',
      ['--local', 'http://127.0.0.1:5/', '--max', '3'],
      {},
      { target: { kind: 'local', invokeUrl: 'http://127.0.0.1:5' }, max: 3 },
    ],
    [
      '--region: the kit stack of that region',
      ['--region', 'eu-west-1'],
      {},
      { target: { kind: 'stack', stackName: 'MparticleFirehose-eu-west-1', region: 'eu-west-1' } },
    ],
    [
      `--stack with ${PLATFORM_ENV.awsRegion}`,
      ['--stack', 'Mine'],
      { [PLATFORM_ENV.awsRegion]: 'us-east-2' },
      { target: { kind: 'stack', stackName: 'Mine', region: 'us-east-2' } },
    ],
    [
      '--queue-url and --dlq-url',
      ['--queue-url', 'https://q', '--dlq-url', 'https://d', '--region', 'us-west-2'],
      {},
      { target: { kind: 'queues', queueUrl: 'https://q', deadLetterQueueUrl: 'https://d', region: 'us-west-2' } },
    ],
    [
      'the queues of the environment',
      [],
      {
        [DELIVERY_ENV.deliveryQueueUrl]: 'https://q',
        [DELIVERY_ENV.deadLetterQueueUrl]: 'https://d',
        [PLATFORM_ENV.awsRegion]: 'us-west-2',
      },
      { target: { kind: 'queues', queueUrl: 'https://q', deadLetterQueueUrl: 'https://d', region: 'us-west-2' } },
    ],
  ])('%s', (_name, args, env, expected) => {
    expect(parseRedriveArgs(args, env)).toEqual(expected);
  });

  it.each<[string[], Record<string, string>, RegExp]>([
    [['--what'], {}, /unknown argument --what/],
    [['--max', '0'], {}, /--max takes a positive whole number/],
    [['--queue-url', 'https://q'], {}, /--queue-url and --dlq-url go together/],
    [['--stack', 'S'], {}, /needs a region/],
  ])('refuses %j with a usage error', (args, env, message) => {
    expect(() => parseRedriveArgs(args, env)).toThrow(UsageError);
    expect(() => parseRedriveArgs(args, env)).toThrow(message);
  });

  it('names the missing output when a stack is not one of this kit', () => {
    expect(() => queuesFromOutputs('Other', [{ OutputKey: 'DeliveryQueueUrl', OutputValue: 'https://q' }])).toThrow(
      /Other has no DeadLetterQueueUrl output/,
    );
  });
});

describe('npm run redrive against a deployed stack (CloudFormation faked, SQS real on loopback)', () => {
  let sqs: SqsEmulator;
  beforeAll(async () => {
    sqs = await startSqsEmulator();
  });
  afterAll(async () => sqs?.stop());

  it('reads the queue URLs from the stack outputs and moves the parked messages', async () => {
    // Prepare
    await sqs.sqs.send(new SendMessageCommand({ QueueUrl: sqs.deadLetterQueueUrl, MessageBody: '{"parked":1}' }));
    await sqs.sqs.send(new SendMessageCommand({ QueueUrl: sqs.deadLetterQueueUrl, MessageBody: '{"parked":2}' }));
    const asked: unknown[] = [];
    const cloudFormation = (region: string) =>
      ({
        send: async (command: { input: unknown }) => {
          asked.push({ region, input: command.input });
          return {
            Stacks: [
              {
                Outputs: [
                  { OutputKey: 'DeliveryQueueUrl', OutputValue: sqs.queueUrl },
                  { OutputKey: 'DeadLetterQueueUrl', OutputValue: sqs.deadLetterQueueUrl },
                ],
              },
            ],
          };
        },
        destroy: () => undefined,
      }) as unknown as Pick<CloudFormationClient, 'send' | 'destroy'>;
    // Act
    const result = await runRedrive(parseRedriveArgs(['--region', 'eu-west-1'], {}), {
      cloudFormation,
      sqs: () => sqs.sqs,
    });
    // Assess
    expect(asked).toEqual([{ region: 'eu-west-1', input: { StackName: 'MparticleFirehose-eu-west-1' } }]);
    expect(result).toMatchObject({ moved: 2, from: sqs.deadLetterQueueUrl });
    const depth = await sqs.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(depth.Attributes?.['ApproximateNumberOfMessages']).toBe('2');
  });

  it('moves messages between queues named on the command line (an emulator here)', async () => {
    await sqs.sqs.send(new SendMessageCommand({ QueueUrl: sqs.deadLetterQueueUrl, MessageBody: '{"parked":3}' }));
    const result = await runCli(
      tsx,
      [
        'scripts/redrive.ts',
        '--queue-url',
        sqs.queueUrl,
        '--dlq-url',
        sqs.deadLetterQueueUrl,
        '--endpoint',
        sqs.endpoint,
        '--region',
        'us-east-1',
      ],
      {
        env: { [PLATFORM_ENV.awsAccessKeyId]: 'local', [PLATFORM_ENV.awsSecretAccessKey]: 'local' },
        timeoutMs: 30_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('moved 1 message(s)');
  });

  it('says how to start or name a system when no local system answers (exit 2), instead of "Region is missing"', async () => {
    const result = await runCli(tsx, ['scripts/redrive.ts', '--local', 'http://127.0.0.1:9'], {
      env: { [PLATFORM_ENV.awsRegion]: '' },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'redrive failed: no local system answers at http://127.0.0.1:9: start it with `npm start`, pass --local <its URL>, or name AWS queues (see --help)',
    );
  });
});

describe('npm run redrive while the partner still refuses (fauxqs, a real HTTP partner, the worker running)', () => {
  let system: DeliverySystem;
  beforeAll(async () => {
    system = await startDeliverySystem();
  });
  afterAll(async () => system?.stop());

  const PARKED = 20;

  it('moves only what was parked when it began, reports it, and ends; an unopenable message is reported, not moved', async () => {
    // Prepare: 20 calls the partner refuses, and one whose claim-check object is gone, all parked.
    const { ingress, partner, sqs } = system;
    partner.setFaults(() => ({ kind: 'status', status: 400 }));
    for (let i = 0; i < PARKED; i++) await ingress.handle(JSON.stringify(membershipChange([profile(`refused-${i}`)])));
    await ingress.handle(JSON.stringify(membershipChange([largeProfile('gone', 300_000)])));
    const [pointer] = sqs.peek('delivery').flatMap((m) => readPointer(m.body) ?? []);
    if (!pointer) throw new Error('expected a claim-check pointer in the queue');
    await sqs.s3.send(new DeleteObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }));
    await system.drain();
    expect(await system.deadLetters()).toHaveLength(PARKED + 1);
    const callsBefore = partner.received.length;

    // Act: the worker keeps running (parking each moved message again within milliseconds) while redrive runs.
    let stopped = false;
    const worker = (async () => {
      while (!stopped) {
        await system.drain(30_000).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = Date.now();
    let tookMs: number;
    let outcome: Awaited<ReturnType<typeof runRedrive>> | 'still running';
    try {
      outcome = await Promise.race([
        runRedrive(
          parseRedriveArgs(
            [
              '--queue-url',
              sqs.queueUrl,
              '--dlq-url',
              sqs.deadLetterQueueUrl,
              '--endpoint',
              sqs.endpoint,
              '--region',
              'us-east-1',
            ],
            {},
          ),
        ),
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000)),
      ]);
      tookMs = Date.now() - started;
      // The worker goes on a moment: what the redrive moved is tried (and parked again) before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      stopped = true;
      await worker;
    }
    await system.drain();

    // Assess: it ended, having moved each parked message once; the partner saw each once more.
    expect(outcome).not.toBe('still running');
    if (outcome === 'still running') return;
    expect(outcome.moved).toBe(PARKED);
    expect(outcome.unopenable).toEqual([
      {
        messageId: expect.any(String),
        reason: 'unreadable queue message: claimCheck: the claim-check object is gone (expired, or deleted by hand)',
      },
    ]);
    expect(describeRedrive(outcome)).toEqual([
      `moved ${PARKED} message(s) from the dead-letter queue back to the delivery queue (${sqs.deadLetterQueueUrl})`,
      'left 1 message(s) parked that cannot be opened (redriving cannot deliver them):',
      `  ${outcome.unopenable[0]?.messageId}: ${outcome.unopenable[0]?.reason}`,
      ...(outcome.parkedSince > 0
        ? [`left ${outcome.parkedSince} message(s) parked after this redrive began (run it again to move them)`]
        : []),
    ]);
    const calls = partner.received.length - callsBefore;
    expect(calls).toBe(PARKED);
    expect(await system.deadLetters()).toHaveLength(PARKED + 1);
    console.info(
      `redrive of ${PARKED + 1} parked with the partner refusing: moved ${outcome.moved}, ${outcome.unopenable.length} unopenable reported, ` +
        `${outcome.parkedSince} parked again during the run left, ${calls} partner calls, ended in ${tookMs} ms`,
    );
  }, 60_000);
});
