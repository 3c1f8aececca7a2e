import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, PLATFORM_ENV, TOKEN_ENV } from '../../lambda/config/environment';
import { ES_MODULE_REQUIRE_BANNER } from '../../lib/node-runtime';
import { functionBundleOptions } from '../../local/function-bundle';
import { type HttpFunctionProcess, startHttpFunctionProcess } from '../../local/http-function-process';
import { emulatorDeliveryEnv } from '../../local/local-function-env';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../local/secrets-manager-stand-in';
import { customEvents, eventBatch } from '../support/factories';
import { startHangingPartner } from '../support/hanging-partner';
import { startKmsStandIn, type KmsStandIn } from '../support/kms-stand-in';
import { LAMBDA_LIKE_ENV, TEST_KMS_KEY_ARN } from '../support/lambda-env';

/**
 * The HTTP function as deployed (lambda/handlers/http-esm.ts bundled as the construct bundles it: an ES module
 * with the `require` banner) run in its own process as Lambda runs it: the module is imported, which awaits
 * its top-level await (init), and only then is a request handed over. Its token is in Secrets Manager (a
 * stand-in), as deployed. KMS answers after KMS_LATENCY_MS, far
 * longer than the module takes to load: an init that did not wait for its warm-up would listen long before.
 */
const KMS_LATENCY_MS = 1_500;
const TOKEN = 'tok_esm_entry_test';
const SESSION_ID = '4957918240501247982';
const LOCAL_SDK = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

let dir: string;
let bundle: string;
let sqs: SqsEmulator;
let secrets: SecretsManagerStandIn;
let kms: KmsStandIn;
let partner: Awaited<ReturnType<typeof startHangingPartner>>;
let fn: HttpFunctionProcess;
let initMs: number;
let kmsCallsAtInit: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'esm-entry-'));
  // Lambda resolves an ES module's `import` of the SDK from NODE_PATH (/var/runtime's copy); Node looks in node_modules.
  symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
  bundle = path.join(dir, 'function', 'index.mjs');
  await build(
    functionBundleOptions(path.join(__dirname, '..', '..', 'lambda', 'handlers', 'http-esm.ts'), bundle, {
      bundleAwsSdk: false,
      esModule: true,
    }),
  );
  sqs = await startSqsEmulator();
  // The token in Secrets Manager, as deployed: the ES module imports that SDK client at run time.
  secrets = await startSecretsManagerStandIn();
  const created = await new SecretsManagerClient({ ...LOCAL_SDK, endpoint: secrets.endpoint }).send(
    new CreateSecretCommand({ Name: 'firehose-token', SecretString: TOKEN }),
  );
  kms = await startKmsStandIn({ latencyMs: KMS_LATENCY_MS });
  partner = await startHangingPartner();
  const started = performance.now();
  fn = await startHttpFunctionProcess({
    bundle,
    outDir: dir,
    env: {
      ...LAMBDA_LIKE_ENV,
      [PLATFORM_ENV.lambdaFunctionName]: 'firehose-http-esm-test',
      ...emulatorDeliveryEnv(sqs, partner.url),
      [DELIVERY_ENV.sealingKeyId]: TEST_KMS_KEY_ARN,
      [PLATFORM_ENV.kmsEndpoint]: kms.url,
      [TOKEN_ENV.secretArn]: created.ARN ?? '',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    },
  });
  initMs = performance.now() - started;
  kmsCallsAtInit = [...kms.calls];
}, 60_000);

afterAll(async () => {
  await fn?.stop();
  await partner?.stop();
  await kms?.stop();
  await sqs?.stop();
  await secrets?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTTP function bundled as deployed', () => {
  it('is an ES module that defines `require` for the SDK it loads at run time', () => {
    // Assess
    expect(readFileSync(bundle, 'utf8').startsWith(ES_MODULE_REQUIRE_BANNER)).toBe(true);
  });

  it('ends its init only when its data key has arrived, then answers its first call without asking KMS again', async () => {
    // Assess: init outlasted KMS's answer, and asked for one key.
    expect(initMs).toBeGreaterThanOrEqual(KMS_LATENCY_MS);
    expect(kmsCallsAtInit).toEqual(['TrentService.GenerateDataKey']);

    // Act: the partner never answers, so the call is sealed and spilled to the queue.
    const started = performance.now();
    const text = JSON.stringify(eventBatch(customEvents(3))).replaceAll(
      '"session_id":42',
      `"session_id":${SESSION_ID}`,
    );
    const response = await fetch(`${fn.url}/firehose`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${TOKEN}` },
      body: text,
    });
    const answeredMs = performance.now() - started;

    // Assess: queued (202), below a KMS round trip (catches a call that waited for the key), nothing lost.
    expect(response.status).toBe(202);
    expect(answeredMs).toBeLessThan(KMS_LATENCY_MS);
    expect(kms.calls).toEqual(['TrentService.GenerateDataKey']);
    const queued = sqs.peek('delivery');
    expect(queued).toHaveLength(1);
    expect(queued[0]?.body).toContain(SESSION_ID);
  });
});
