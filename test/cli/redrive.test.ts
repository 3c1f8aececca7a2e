import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/delivery/defaults';
import { parseRedriveArgs, queuesFromOutputs, UsageError } from '../../local/redrive-target';
import { runRedrive } from '../../local/run-redrive';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';
import path from 'node:path';
import { PLATFORM_ENV } from '../../lambda/config/environment';

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
      `nothing, with ${ENV.invokePort}`,
      [],
      { [ENV.invokePort]: '4001' },
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
        [ENV.deliveryQueueUrl]: 'https://q',
        [ENV.deadLetterQueueUrl]: 'https://d',
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
    expect(result).toEqual({ moved: 2, from: sqs.deadLetterQueueUrl });
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
