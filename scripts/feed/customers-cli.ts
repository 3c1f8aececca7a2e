import { parseArgs } from 'node:util';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  addFeedCustomer,
  listFeedCustomers,
  loadFeedCustomer,
  readFeedCustomer,
  removeFeedCustomer,
} from '../../lambda/feeds/customer-registry';
import { DEFAULT_CUSTOMER_SECRET_PREFIX } from '../../lambda/feeds/feed-customer';
import { probeCredentials } from '../../lambda/feeds/credentials-probe';
import { createFeedHttpClient } from '../../lambda/feeds/events-api-client';
import type { FeedExitCode } from '../../lambda/feeds/feed-report';
import { FEED_ENV, LOCAL_ENV } from '../../lambda/config/environment';

export const CUSTOMERS_USAGE = `Usage: npm run feed -- customers <command> [options]

Manages the mutual customers of a multi-customer feed: one Secrets Manager secret per customer under
a common prefix (${FEED_ENV.customerSecretPrefix}, default ${DEFAULT_CUSTOMER_SECRET_PREFIX}).

Commands:
  add <customer> [--pod us1|us2|eu1|au1 | --base-url <url>] [--historical-after-days <n>]
                 stores the customer's Events API key and secret, read from ${FEED_ENV.apiKey} and
                 ${FEED_ENV.apiSecret} or, when those are unset, from standard input (two lines: key,
                 then secret); never from arguments. Adding an existing customer replaces its setup.
  list           every customer: endpoint, key identity (a hash), historical threshold; never a secret
  check <customer> [--verify]
                 reads the customer's secret as the function would and prints its setup; --verify also
                 asks mParticle whether it accepts the key and secret, with an empty request (no batch)
  remove <customer> [--force]   deletes the secret (kept 7 days for recovery unless --force)
  resume <customer> --bucket <feed bucket>
                 after fixing a refused key: writes a resume marker for each of the customer's uploads
                 not yet complete; the function continues each from its progress (nothing is sent twice)

Options: --secret-prefix <prefix> (default ${FEED_ENV.customerSecretPrefix} or ${DEFAULT_CUSTOMER_SECRET_PREFIX}).
Uses your AWS credentials; locally, AWS_ENDPOINT_URL_SECRETS_MANAGER points at the stand-in.
`;

export interface CustomersIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, read whole (the key and the secret). */
  readonly readStdin?: () => Promise<string>;
  readonly client?: SecretsManagerClient;
}

/** `npm run feed -- customers …`. Returns the exit code: 0 done, 2 refused (the message says why). */
export async function runCustomersCli(argv: readonly string[], io: CustomersIo): Promise<FeedExitCode> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        pod: { type: 'string' },
        'base-url': { type: 'string' },
        'historical-after-days': { type: 'string' },
        'secret-prefix': { type: 'string' },
        force: { type: 'boolean' },
        bucket: { type: 'string' },
        verify: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(`feed customers: ${error instanceof Error ? error.message : String(error)}\n\n${CUSTOMERS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, customer, ...extra] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.stdout : io.stderr).write(CUSTOMERS_USAGE);
    return values.help ? 0 : 2;
  }
  const fail = (message: string): FeedExitCode => {
    io.stderr.write(`feed customers ${command}: ${message}\n`);
    return 2;
  };
  // Extra words are not echoed: they may be a key or secret typed where it must not go.
  if (extra.length > 0)
    return fail(`${extra.length} unexpected argument(s) (not shown): the key and secret never go in arguments`);
  const needsCustomer = command !== 'list';
  if (needsCustomer && customer === undefined) return fail('name the customer');

  const prefix = values['secret-prefix'] ?? io.env[FEED_ENV.customerSecretPrefix] ?? DEFAULT_CUSTOMER_SECRET_PREFIX;
  let ownClient: SecretsManagerClient | undefined;
  try {
    const client = io.client ?? (ownClient = await newSecretsManagerClient());
    const options = { client, prefix };
    switch (command) {
      case 'add': {
        const name = customer as string;
        const { apiKey, apiSecret } = await readKeyAndSecret(io);
        const days = values['historical-after-days'];
        const outcome = await addFeedCustomer(
          {
            customer: name,
            apiKey,
            apiSecret,
            pod: values.pod,
            baseUrl: values['base-url'],
            historicalAfterDays: days === undefined ? undefined : Number(days),
          },
          options,
        );
        const summary = await readFeedCustomer(name, options);
        io.stdout.write(`customer ${name} ${outcome}: ${describeCustomer(summary)}\n`);
        io.stdout.write(`uploads for ${name} go under incoming/${name}/ in the feed bucket\n`);
        return 0;
      }
      case 'list': {
        const customers = await listFeedCustomers(options);
        if (customers.length === 0) io.stdout.write(`no customers under ${prefix}\n`);
        for (const summary of customers) io.stdout.write(`${summary.customer}  ${describeCustomer(summary)}\n`);
        return 0;
      }
      case 'check': {
        const summary = await readFeedCustomer(customer as string, options);
        io.stdout.write(
          `customer ${summary.customer}: ${describeCustomer(summary)} (secret ${summary.secretName}; nothing sent)\n`,
        );
        if (!values.verify) return 0;
        return verifyCredentials(customer as string, prefix, client, io);
      }
      case 'remove': {
        await removeFeedCustomer(customer as string, { ...options, force: values.force === true });
        io.stdout.write(
          `customer ${customer} removed${values.force ? '' : ' (recoverable for 7 days: add it again to restore)'}; its uploads will fail until it is added again\n`,
        );
        return 0;
      }
      case 'resume': {
        if (values.bucket === undefined)
          return fail('give the feed bucket: --bucket <name> (stack output FeedBucketName)');
        const outcome = await resumeUploads(customer as string, values.bucket, io.env);
        io.stdout.write(
          `customer ${customer}: ${outcome.resumed.length} upload(s) resumed, ${outcome.complete} already complete` +
            (outcome.running.length > 0 ? `, ${outcome.running.length} being sent now (left alone)` : '') +
            '\n' +
            outcome.resumed.map((key) => `  ${key}\n`).join(''),
        );
        return 0;
      }
      default:
        return fail(`unknown command; expected add, list, check, remove or resume\n\n${CUSTOMERS_USAGE}`);
    }
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    ownClient?.destroy();
  }
}

function describeCustomer(summary: {
  readonly endpoint: string;
  readonly pod: string | undefined;
  readonly keyIdentity: string;
  readonly historicalAfterDays: number;
}): string {
  return `${summary.pod ? `pod ${summary.pod} → ` : ''}${summary.endpoint}, key ${summary.keyIdentity}, historical after ${summary.historicalAfterDays} days`;
}

/** From the environment, else two lines on standard input; never from arguments (they show in `ps` and shell history). */
async function readKeyAndSecret(io: CustomersIo): Promise<{ apiKey: string; apiSecret: string }> {
  const fromEnv = { apiKey: io.env[FEED_ENV.apiKey] ?? '', apiSecret: io.env[FEED_ENV.apiSecret] ?? '' };
  if (fromEnv.apiKey !== '' && fromEnv.apiSecret !== '') return fromEnv;
  const text = io.readStdin ? await io.readStdin() : '';
  const [apiKey = '', apiSecret = ''] = text.split(/\r?\n/).map((line) => line.trim());
  if (apiKey === '' || apiSecret === '') {
    throw new Error(
      `give the key and the secret in ${FEED_ENV.apiKey} and ${FEED_ENV.apiSecret}, or as two lines on standard input`,
    );
  }
  return { apiKey, apiSecret };
}

/** Loaded only for these commands, so plain feed runs start without the SDK. */
async function newSecretsManagerClient(): Promise<SecretsManagerClient> {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  return new SecretsManagerClient({});
}

/** S3 is loaded only for `resume`; LOCAL_ENV.s3Endpoint points it at a local emulator. */
async function resumeUploads(
  customer: string,
  bucket: string,
  env: CustomersIo['env'],
): Promise<{ resumed: string[]; complete: number; running: string[] }> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const { resumeCustomerUploads } = await import('../../lambda/feeds/feed-resume');
  const endpoint = env[LOCAL_ENV.s3Endpoint];
  const s3 = new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {});
  try {
    return await resumeCustomerUploads(s3, bucket, customer);
  } finally {
    s3.destroy();
  }
}

/** `check --verify`: an empty bulk request to the customer's endpoint; exit 0 when the credentials pass. */
async function verifyCredentials(
  customer: string,
  prefix: string,
  client: SecretsManagerClient,
  io: CustomersIo,
): Promise<FeedExitCode> {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const config = await loadFeedCustomer(customer, prefix, async (id) => {
    const value = (await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    if (value === undefined) throw new Error(`secret ${id} has no string value`);
    return value;
  });
  const http = createFeedHttpClient(1);
  try {
    const verdict = await probeCredentials(http, config.baseUrl, config.credentials);
    if (verdict.kind === 'accepted') {
      io.stdout.write(
        `customer ${customer}: mParticle accepted the key and secret (${verdict.status} to an empty request; nothing was ingested)\n`,
      );
      return 0;
    }
    io.stderr.write(
      verdict.kind === 'refused'
        ? `feed customers check: mParticle refused the key and secret of customer ${customer} (${verdict.status}): store the right ones with customers add\n`
        : `feed customers check: could not verify customer ${customer}: ${verdict.message}\n`,
    );
    return 2;
  } finally {
    http.destroy();
  }
}
