import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { resolveEventsApiBaseUrl } from './events-api-endpoint';
import { FeedCredentials } from './feed-credentials';
import {
  checkCustomerName,
  checkCustomerSecretPrefix,
  customerSecretName,
  type CustomerFeedConfig,
  DEFAULT_CUSTOMER_SECRET_PREFIX,
  parseCustomerSecret,
} from './feed-customer';
import type { SecretStringReader } from './credentials-source';
import { checkHistoricalAfterDays } from './feed-limits';

/**
 * The feed's customer registry: one Secrets Manager secret per mutual customer under a common prefix
 * (docs/feeds.md, "Many customers"). The operator commands (`npm run feed -- customers …`) call these; so
 * can a partner's platform UI, handing the key and secret straight from its form to Secrets Manager.
 * Nothing here returns, logs or puts in an error message a secret's value.
 */

export interface RegistryOptions {
  readonly client: SecretsManagerClient;
  /** Default `mparticle-feed/customers/`; must match the deployment's FEED_CUSTOMER_SECRET_PREFIX. */
  readonly prefix?: string;
}

export interface NewFeedCustomer {
  readonly customer: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** us1, us2, eu1 or au1; or `baseUrl` (local stand-ins); neither: mParticle's partner URL. */
  readonly pod?: string;
  readonly baseUrl?: string;
  readonly historicalAfterDays?: number;
}

export interface FeedCustomerSummary {
  readonly customer: string;
  readonly secretName: string;
  /** Where the customer's batches go; never the key or the secret. */
  readonly endpoint: string;
  readonly pod: string | undefined;
  /** The key's identity (a hash), to tell which key is stored without showing it. */
  readonly keyIdentity: string;
  readonly historicalAfterDays: number;
}

export type AddOutcome = 'created' | 'updated' | 'restored';

/**
 * Stores (or replaces) a customer's credentials and endpoint. Checks everything first, so a typo is
 * refused before anything is written. A customer removed within the recovery window is restored.
 */
export async function addFeedCustomer(input: NewFeedCustomer, options: RegistryOptions): Promise<AddOutcome> {
  const prefix = checkCustomerSecretPrefix(options.prefix ?? DEFAULT_CUSTOMER_SECRET_PREFIX);
  const name = customerSecretName(prefix, checkCustomerName(input.customer));
  new FeedCredentials(input.apiKey, input.apiSecret); // refuses empty values, naming which
  const baseUrl = resolveEventsApiBaseUrl({ pod: input.pod, baseUrl: input.baseUrl });
  const secret = {
    apiKey: input.apiKey,
    apiSecret: input.apiSecret,
    ...(input.pod ? { pod: input.pod.trim().toLowerCase() } : {}),
    ...(input.baseUrl ? { baseUrl: baseUrl.href } : {}),
    ...(input.historicalAfterDays === undefined
      ? {}
      : { historicalAfterDays: checkHistoricalAfterDays(input.historicalAfterDays) }),
  };
  const secretString = JSON.stringify(secret);
  const { client } = options;
  try {
    await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: secretString,
        Description: `mParticle Events API key and secret of feed customer ${input.customer}`,
      }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof ResourceExistsException) {
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: secretString }));
      return 'updated';
    }
    if (error instanceof InvalidRequestException && /deletion/i.test(error.message)) {
      await client.send(new RestoreSecretCommand({ SecretId: name }));
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: secretString }));
      return 'restored';
    }
    throw new Error(`could not store customer ${input.customer} as ${name}: ${describe(error)}`);
  }
}

/** Every customer under the prefix, sorted, with endpoint and key identity (read from each secret). */
export async function listFeedCustomers(options: RegistryOptions): Promise<FeedCustomerSummary[]> {
  const prefix = checkCustomerSecretPrefix(options.prefix ?? DEFAULT_CUSTOMER_SECRET_PREFIX);
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await options.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], NextToken: nextToken, MaxResults: 100 }),
    );
    for (const entry of page.SecretList ?? []) {
      // The name filter matches by prefix of words; keep exact prefixes only.
      if (entry.Name?.startsWith(prefix) && !entry.DeletedDate) names.push(entry.Name);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  const summaries = await Promise.all(
    names.sort().map((secretName) => readFeedCustomer(secretName.slice(prefix.length), options)),
  );
  return summaries;
}

/** One customer's setup, checked as the function would read it (a dry run of the secret). */
export async function readFeedCustomer(customer: string, options: RegistryOptions): Promise<FeedCustomerSummary> {
  const config = await loadFeedCustomer(customer, options.prefix ?? DEFAULT_CUSTOMER_SECRET_PREFIX, async (id) => {
    const answer = await options.client.send(new GetSecretValueCommand({ SecretId: id }));
    if (answer.SecretString === undefined) throw new Error(`secret ${id} has no string value`);
    return answer.SecretString;
  });
  return {
    customer,
    secretName: config.secretName,
    endpoint: `${config.baseUrl.origin}${config.baseUrl.pathname.replace(/\/+$/, '')}`,
    pod: config.pod,
    keyIdentity: config.credentials.identity(),
    historicalAfterDays: config.historicalAfterDays,
  };
}

/**
 * A customer's credentials and endpoint, as the function and `npm run feed -- --customer` read them.
 * Errors name the customer and the secret, never a value.
 */
export async function loadFeedCustomer(
  customer: string,
  prefix: string,
  readSecret: SecretStringReader,
): Promise<CustomerFeedConfig & { readonly secretName: string }> {
  const secretName = customerSecretName(checkCustomerSecretPrefix(prefix), customer);
  let secretString: string;
  try {
    secretString = await readSecret(secretName);
  } catch (error) {
    if (isNotFound(error)) {
      throw new UnknownCustomerError(`no feed customer ${customer}: secret ${secretName} does not exist`);
    }
    throw new Error(`could not read secret ${secretName} of customer ${customer}: ${describe(error)}`);
  }
  return { ...parseCustomerSecret(secretString, customer, secretName), secretName };
}

/** The upload names a customer no secret exists for (a typo in the key, or a removed customer). */
export class UnknownCustomerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownCustomerError';
  }
}

/**
 * Removes a customer's secret. By default Secrets Manager keeps it for `recoveryWindowDays` (7), and
 * adding the customer again restores it; `force` deletes at once. Their uploads then fail (no secret).
 */
export async function removeFeedCustomer(
  customer: string,
  options: RegistryOptions & { readonly force?: boolean; readonly recoveryWindowDays?: number },
): Promise<void> {
  const prefix = checkCustomerSecretPrefix(options.prefix ?? DEFAULT_CUSTOMER_SECRET_PREFIX);
  const secretName = customerSecretName(prefix, customer);
  try {
    await options.client.send(
      new DeleteSecretCommand(
        options.force
          ? { SecretId: secretName, ForceDeleteWithoutRecovery: true }
          : { SecretId: secretName, RecoveryWindowInDays: options.recoveryWindowDays ?? 7 },
      ),
    );
  } catch (error) {
    if (isNotFound(error)) throw new Error(`no feed customer ${customer} (${secretName})`);
    throw new Error(`could not remove ${secretName}: ${describe(error)}`);
  }
}

/** By name too: the function's SDK (the Lambda runtime's) may be another copy of the class. */
function isNotFound(error: unknown): boolean {
  return (
    error instanceof ResourceNotFoundException || (error instanceof Error && error.name === 'ResourceNotFoundException')
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
