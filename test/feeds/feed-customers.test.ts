import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFeedCustomer, listFeedCustomers, removeFeedCustomer } from '../../lambda/feeds/customer-registry';
import { takeSlot } from '../../lambda/feeds/customer-slots';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../local/secrets-manager-stand-in';
import { makeBatches, toNdjson } from './support/batches';
import { spawnFeedCli } from './support/spawn-cli';
import { useFeedFixtures } from './support/test-fixtures';
import { FEED_ENV, LOCAL_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

const { startServer, makeTempDir } = useFeedFixtures('feed-customers-');
const PLANTED_SECRET = 'planted-S3CRET-customer-acme-0451';
const ACME_KEY = 'acme-feed-key';

let secrets: SecretsManagerStandIn;
let client: SecretsManagerClient;
let awsEnv: Record<string, string>;
beforeEach(async () => {
  secrets = await startSecretsManagerStandIn();
  awsEnv = {
    [PLATFORM_ENV.awsRegion]: 'us-east-1',
    [PLATFORM_ENV.awsAccessKeyId]: 'local',
    [PLATFORM_ENV.awsSecretAccessKey]: 'local',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  };
  client = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: secrets.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterEach(async () => {
  client.destroy();
  await secrets.close();
});

describe('feed customers (operator commands, the real CLI against a Secrets Manager stand-in)', () => {
  it('adds a customer from standard input, lists and checks it without ever printing the secret, and removes it', async () => {
    // Act
    const add = await spawnFeedCli(
      ['customers', 'add', 'acme', '--pod', 'us1'],
      awsEnv,
      `${ACME_KEY}\n${PLANTED_SECRET}\n`,
    ).done;
    const list = await spawnFeedCli(['customers', 'list'], awsEnv).done;
    const check = await spawnFeedCli(['customers', 'check', 'acme'], awsEnv).done;
    const remove = await spawnFeedCli(['customers', 'remove', 'acme'], awsEnv).done;
    const afterRemove = await listFeedCustomers({ client });

    // Assess
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(
      /^customer acme created: pod us1 → https:\/\/s2s\.us1\.mparticle\.com\/v2, key key-sha256:[0-9a-f]{16}/,
    );
    expect(add.stdout).toContain('incoming/acme/');
    expect(list.stdout).toMatch(/^acme {2}pod us1 → https:\/\/s2s\.us1\.mparticle\.com\/v2/);
    expect(check.stdout).toContain('secret mparticle-feed/customers/acme; nothing sent');
    expect(remove.code).toBe(0);
    expect(afterRemove).toEqual([]);
    for (const run of [add, list, check, remove]) {
      expect(run.stdout + run.stderr).not.toContain(PLANTED_SECRET);
      expect(run.stdout + run.stderr).not.toContain(ACME_KEY);
    }
  });

  it('refuses a key or secret in the arguments, a bad name or pod, and writes nothing', async () => {
    // Act
    const inArgs = await spawnFeedCli(['customers', 'add', 'acme', '--pod', 'us1', PLANTED_SECRET], awsEnv).done;
    const badName = await spawnFeedCli(['customers', 'add', 'Acme Corp', '--pod', 'us1'], {
      ...awsEnv,
      [FEED_ENV.apiKey]: ACME_KEY,
      [FEED_ENV.apiSecret]: PLANTED_SECRET,
    }).done;
    const badPod = await spawnFeedCli(
      ['customers', 'add', 'acme', '--pod', 'mars1'],
      awsEnv,
      `${ACME_KEY}\n${PLANTED_SECRET}\n`,
    ).done;

    // Assess
    expect(inArgs.code).toBe(2);
    expect(inArgs.stderr).toContain('the key and secret never go in arguments');
    expect(inArgs.stderr).not.toContain(PLANTED_SECRET);
    expect(badName.stderr).toContain('customer name "Acme Corp" must be 1 to 63 lower-case letters');
    expect(badPod.stderr).toContain('unknown mParticle pod "mars1"');
    expect(secrets.names()).toEqual([]);
  });

  it('replaces a customer added again, and restores one removed within the recovery window', async () => {
    // Prepare
    await addFeedCustomer({ customer: 'acme', apiKey: 'k1', apiSecret: 's1', pod: 'us1' }, { client });

    // Act
    const updated = await addFeedCustomer({ customer: 'acme', apiKey: 'k2', apiSecret: 's2', pod: 'eu1' }, { client });
    await removeFeedCustomer('acme', { client });
    const restored = await addFeedCustomer({ customer: 'acme', apiKey: 'k3', apiSecret: 's3', pod: 'au1' }, { client });

    // Assess
    expect([updated, restored]).toEqual(['updated', 'restored']);
    expect(await listFeedCustomers({ client })).toEqual([expect.objectContaining({ customer: 'acme', pod: 'au1' })]);
  });

  it("resumes a customer's unfinished uploads with a marker each, leaving finished ones alone", async () => {
    // Prepare: one upload with a finished progress object, one without any
    const { startFauxqs } = await import('fauxqs');
    const emulator = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: emulator.address,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'feeds' }));
      for (const name of ['a', 'b', 'c']) {
        await s3.send(new PutObjectCommand({ Bucket: 'feeds', Key: `incoming/acme/${name}.ndjson`, Body: '{}\n' }));
      }
      await s3.send(
        new PutObjectCommand({
          Bucket: 'feeds',
          Key: 'progress/acme/a.ndjson.progress.json',
          Body: JSON.stringify({
            version: 1,
            etag: 'x',
            done: [],
            totals: {},
            rejections: [],
            invocations: 1,
            complete: true,
          }),
        }),
      );

      // c is being sent right now: it holds a live slot (lambda/feeds/customer-slots.ts)
      await takeSlot(
        { s3, bucket: 'feeds', customer: 'acme', uploadKey: 'incoming/acme/c.ndjson' },
        { maxUploads: 2, leaseMs: 60_000 },
      );

      // Act
      const run = await spawnFeedCli(['customers', 'resume', 'acme', '--bucket', 'feeds'], {
        ...awsEnv,
        [LOCAL_ENV.s3Endpoint]: emulator.address,
      }).done;

      // Assess
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(
        'customer acme: 1 upload(s) resumed, 1 already complete, 1 being sent now (left alone)\n  incoming/acme/b.ndjson\n',
      );
      await expect(
        s3.send(new HeadObjectCommand({ Bucket: 'feeds', Key: 'progress/acme/b.ndjson.resume' })),
      ).resolves.toBeDefined();
    } finally {
      s3.destroy();
      await emulator.stop();
    }
  });

  it("verifies a customer's key and secret with mParticle without sending a batch, and says when they are refused", async () => {
    // Prepare
    const api = await startServer({ apiKey: ACME_KEY, apiSecret: PLANTED_SECRET });
    await addFeedCustomer(
      { customer: 'acme', apiKey: ACME_KEY, apiSecret: PLANTED_SECRET, baseUrl: api.baseUrl },
      { client },
    );
    await addFeedCustomer(
      { customer: 'initech', apiKey: ACME_KEY, apiSecret: 'PLANTED-wrong', baseUrl: api.baseUrl },
      { client },
    );

    // Act
    const good = await spawnFeedCli(['customers', 'check', 'acme', '--verify'], awsEnv).done;
    const bad = await spawnFeedCli(['customers', 'check', 'initech', '--verify'], awsEnv).done;

    // Assess
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(
      'customer acme: mParticle accepted the key and secret (202 to an empty request; nothing was ingested)',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mParticle refused the key and secret of customer initech (403)');
    expect(api.accepted).toEqual([]);
    expect(good.stdout + good.stderr + bad.stdout + bad.stderr).not.toMatch(/PLANTED/);
  });

  it('names what is wrong with a malformed customer secret without quoting any of it', async () => {
    // Prepare: a secret edited by hand into invalid JSON, the planted value right where the parser stops
    await client.send(
      new CreateSecretCommand({ Name: 'mparticle-feed/customers/acme', SecretString: `{"apiKey":${PLANTED_SECRET}}` }),
    );

    // Act
    const check = await spawnFeedCli(['customers', 'check', 'acme'], awsEnv).done;
    const run = await spawnFeedCli(['--customer', 'acme', path.join(await makeTempDir(), 'none.ndjson')], awsEnv).done;

    // Assess
    for (const result of [check, run]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('secret mparticle-feed/customers/acme is not JSON');
      expect(result.stdout + result.stderr).not.toContain(PLANTED_SECRET.slice(0, 7)); // the parser quotes only a few characters
    }
  });

  it('sends a file for a registered customer with its own key, endpoint and summary line', async () => {
    // Prepare
    const api = await startServer({ apiKey: ACME_KEY, apiSecret: PLANTED_SECRET });
    await addFeedCustomer(
      { customer: 'acme', apiKey: ACME_KEY, apiSecret: PLANTED_SECRET, baseUrl: api.baseUrl },
      { client },
    );
    const input = path.join(await makeTempDir(), 'acme.ndjson');
    await writeFile(input, toNdjson(makeBatches('acme', 25)));
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const run = await spawnFeedCli(['--customer', 'acme', '--checkpoint', checkpoint, input], awsEnv).done;

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('customer:    acme');
    expect(run.stdout).toContain('sent:        25 batch(es)');
    expect(new Set(api.accepted).size).toBe(25);
    expect(run.stdout + run.stderr).not.toContain(PLANTED_SECRET);
  });
});
