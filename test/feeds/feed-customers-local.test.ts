import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { makeBatches, toNdjson } from './support/batches';
import { PROJECT_ROOT, spawnFeedCli } from './support/spawn-cli';
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

let start: ChildProcess | undefined;
let startOutput = '';
let secretsEndpoint = '';
let eventsApiUrl = '';

beforeAll(async () => {
  start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      [PLATFORM_ENV.path]: process.env[PLATFORM_ENV.path] ?? '',
      [PLATFORM_ENV.home]: process.env[PLATFORM_ENV.home] ?? '',
      [LOCAL_ENV.invokePort]: '0',
      [LOCAL_ENV.httpPort]: '0',
      [LOCAL_ENV.partnerPort]: '0',
      [LOCAL_ENV.sqsPort]: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = start;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not print its stand-ins:\n${startOutput}`)),
      START_TIMEOUT_MS,
    );
    const read = (chunk: Buffer): void => {
      startOutput += chunk.toString('utf8');
      const found = /Secrets Manager stand-in (http:\/\/\S+), Events API stand-in (http:\/\/\S+)/.exec(startOutput);
      if (found?.[1] && found[2]) {
        [secretsEndpoint, eventsApiUrl] = [found[1], found[2]];
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${startOutput}`));
    });
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  const child = start;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGINT');
  await exited;
});

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
    expect(startOutput).toContain(`npm run feed -- customers add acme --base-url ${eventsApiUrl}`);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('customer acme created');
    expect(list.stdout).toContain('acme');
    expect(send.code).toBe(0);
    expect(send.stdout).toContain('customer:    acme');
    expect(send.stdout).toContain('sent:        25 batch(es)');
    for (const output of [startOutput, add.stdout, add.stderr, list.stdout, send.stdout, send.stderr])
      expect(output).not.toContain(PLANTED_SECRET);
  });
});
