import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_ENV } from '../../lambda/config/environment';
import { startNpm, waitUntil, type NpmStart } from '../support/npm-start';
import { stopAll } from '../support/processes';
import { makeBatches, toNdjson } from './support/batches';
import { spawnFeedCli } from './support/spawn-cli';
import { useFeedFixtures } from './support/test-fixtures';

/**
 * The feed's customer commands against `npm start`'s own stand-ins (issue 24: "Local: the same commands against
 * npm start's stand-ins"): the real `npm start` (scripts/start.ts) on free ports, the real CLI adding a customer
 * from standard input, then sending a file with that customer's key to the Events API stand-in it printed.
 */

const { makeTempDir } = useFeedFixtures('feed-customers-local-');
const PLANTED_SECRET = 'PLANTED-local-acme-s3cr3t-2718';
const ACME_KEY = 'acme-local-key';
const START_TIMEOUT_MS = 120_000;

let npm: NpmStart;
let secretsEndpoint = '';
let eventsApiUrl = '';
const startOutput = (): string => npm.output();

beforeAll(async () => {
  // The shared `npm start` (free ports, the kit tests' integration, stopped after the file).
  npm = await startNpm();
  [secretsEndpoint, eventsApiUrl] = await waitUntil(
    () => {
      const found = /Secrets Manager stand-in (http:\/\/\S+), Events API stand-in (http:\/\/\S+)/.exec(npm.output());
      return found?.[1] && found[2] ? [found[1], found[2]] : undefined;
    },
    START_TIMEOUT_MS,
    () => `npm start did not print its stand-ins:\n${npm.output()}`,
  );
}, START_TIMEOUT_MS);

afterAll(() => stopAll());

describe("feed customers against npm start's stand-ins", () => {
  it('adds a customer from standard input, then sends a file with its key to the Events API stand-in', async () => {
    // Prepare
    const awsEnv = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
      [PLATFORM_ENV.awsRegion]: 'us-east-1',
      [PLATFORM_ENV.awsAccessKeyId]: 'local',
      [PLATFORM_ENV.awsSecretAccessKey]: 'local',
    };
    const input = path.join(await makeTempDir(), 'acme.ndjson');
    await writeFile(input, toNdjson(makeBatches('acme-local', 25)));
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const add = await spawnFeedCli(
      ['customers', 'add', 'acme', '--base-url', eventsApiUrl],
      awsEnv,
      `${ACME_KEY}\n${PLANTED_SECRET}\n`,
    ).done;
    const list = await spawnFeedCli(['customers', 'list'], awsEnv).done;
    const send = await spawnFeedCli(['--customer', 'acme', '--checkpoint', checkpoint, input], awsEnv).done;

    // Assess
    expect(startOutput()).toContain(`npm run feed -- customers add acme --base-url ${eventsApiUrl}`);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('customer acme created');
    expect(list.stdout).toContain('acme');
    expect(send.code).toBe(0);
    expect(send.stdout).toContain('customer:    acme');
    expect(send.stdout).toContain('sent:        25 batch(es)');
    for (const output of [startOutput(), add.stdout, add.stderr, list.stdout, send.stdout, send.stderr])
      expect(output).not.toContain(PLANTED_SECRET);
  });
});
