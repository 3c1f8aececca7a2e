import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  startInvokeApi,
  type InvokeApiServer,
} from '../../local/lambda-invoke-api';

// The local Invoke API refuses what Lambda refuses: an asynchronous payload over 1 MB, a synchronous one over 6 MB.
let server: InvokeApiServer;
let lambda: LambdaClient;
const seen: number[] = [];

beforeAll(async () => {
  server = await startInvokeApi({
    port: 0,
    region: 'us-east-1',
    accountId: '000000000000',
    functions: [{ name: 'echo', description: 'counts bytes', invoke: async (payload) => seen.push(payload.length) }],
  });
  lambda = new LambdaClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  lambda?.destroy();
  await server?.close();
});

const payloadOf = (bytes: number) => Buffer.from(`"${'p'.repeat(bytes - 2)}"`);

describe('Lambda payload limits', () => {
  it('refuses an Event invoke over 1 MB with RequestEntityTooLargeException and runs one at the limit', async () => {
    // Act
    const atLimit = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: payloadOf(MAX_ASYNC_PAYLOAD_BYTES) }),
    );
    const over = await lambda
      .send(
        new InvokeCommand({
          FunctionName: 'echo',
          InvocationType: 'Event',
          Payload: payloadOf(MAX_ASYNC_PAYLOAD_BYTES + 1),
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(MAX_ASYNC_PAYLOAD_BYTES).toBe(1_048_576);
    expect(atLimit.StatusCode).toBe(202);
    expect(over).toMatchObject({ name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 } });
  });

  it('still takes a synchronous payload above the asynchronous limit', async () => {
    // Act
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: payloadOf(2 * MAX_ASYNC_PAYLOAD_BYTES) }),
    );

    // Assess
    expect(MAX_SYNC_PAYLOAD_BYTES).toBeGreaterThan(2 * MAX_ASYNC_PAYLOAD_BYTES);
    expect(out.StatusCode).toBe(200);
    expect(seen).toContain(2 * MAX_ASYNC_PAYLOAD_BYTES);
  });
});
