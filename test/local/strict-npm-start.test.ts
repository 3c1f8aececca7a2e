import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/local-system';
import { startTestLocalSystem } from '../support/local-system';

// `npm start`'s system reaches the emulator through the strict layer, and says in its terminal what it refused.
let system: LocalSystem;
let sqs: SQSClient;
const lines: string[] = [];

beforeAll(async () => {
  system = await startTestLocalSystem({ listener: { activity: (line) => lines.push(line) } });
  sqs = new SQSClient({
    endpoint: system.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqs?.destroy();
  await system?.stop();
});

describe('the strict layer in npm start', () => {
  it('refuses a message AWS would refuse on the SQS endpoint it prints, and tells the terminal', async () => {
    // Act
    const out = await sqs
      .send(
        new SendMessageCommand({
          QueueUrl: system.queueUrl,
          MessageBody: 'ok',
          MessageAttributes: { excerpt: { DataType: 'String', StringValue: 'cut\uD83D' } },
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(out).toBeInstanceOf(SQSServiceException);
    expect((out as SQSServiceException).name).toBe('InvalidMessageContents');
    expect(lines).toContainEqual(expect.stringContaining('sqs: refused as AWS would (InvalidMessageContents)'));
  });
});
