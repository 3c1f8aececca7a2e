import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../lambda/firehose';
import { LOCAL_BUCKET_NAME } from '../../local/sqs-emulator';
import type { LocalSystem } from '../../local/local-system';
import { membershipChange } from '../support/factories';
import { largeProfile } from '../support/large-payloads';
import { startTestLocalSystem } from '../support/local-system';
import { DELIVERY_ENV, FUNCTION_ENV } from '../../lambda/config/environment';

/** `npm start` has the claim-check bucket too (the S3 side of the same fauxqs). */

let system: LocalSystem;
let lambda: LambdaClient;

beforeAll(async () => {
  system = await startTestLocalSystem({
    env: { [FUNCTION_ENV.logLevel]: 'ERROR' },
  });
  lambda = new LambdaClient({
    endpoint: system.invokeUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  lambda?.destroy();
  await system?.stop();
});

describe('claim checks in the local system', () => {
  it('delivers a 300 KB profile invoked through the local Invoke API', async () => {
    // Prepare
    const message = membershipChange([largeProfile('6001', 300_000)]);
    // Act
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'firehose-ingress', Payload: Buffer.from(JSON.stringify(message)) }),
    );
    const deadline = Date.now() + 15_000;
    while ((system.partner?.accepted.length ?? 0) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(system.functionEnv[DELIVERY_ENV.claimCheckBucket]).toBe(LOCAL_BUCKET_NAME);
    expect(out.FunctionError).toBeUndefined();
    const delivered = system.partner?.accepted ?? [];
    expect(delivered).toHaveLength(1);
    expect((parseJson(delivered[0]?.bodyText ?? '{}') as { request_id: string }).request_id).toBe(message['id']);
    expect(delivered[0]?.bodyText.length).toBeGreaterThan(300_000);
  });
});
