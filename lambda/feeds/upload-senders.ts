import type { HttpClient } from '../common/http-client';
import { loadFeedCredentials, type CredentialsEnv, type SecretStringReader } from './credentials-source';
import { loadFeedCustomer, UnknownCustomerError } from './customer-registry';
import { EventsApiClient } from './events-api-client';
import type { FeedCredentials } from './feed-credentials';
import type { FeedDestination } from './file-checkpoint';
import { customerOfKey } from './feed-customer';
import type { FeedSettings } from './feed-settings';

/** Who an upload is sent for, and how. */
export interface UploadSender {
  /** The customer (many-customer mode); undefined for a single-customer deployment. */
  readonly customer: string | undefined;
  readonly client: EventsApiClient;
  readonly historicalAfterDays: number;
  /** Where the lines go (endpoint and key identity, never the secret): progress is kept per destination. */
  readonly destination: FeedDestination;
}

export interface UploadSendersOptions {
  readonly settings: FeedSettings;
  readonly http: HttpClient;
  readonly env: CredentialsEnv;
  /** Made on first use, so a deployment that never reads a secret never loads the SDK client. */
  readonly secretReader: () => SecretStringReader;
  /** Many customers: their secrets' prefix (FEED_ENV.customerSecretPrefix). Unset: one customer. */
  readonly customerSecretPrefix?: string | undefined;
  /** How long a customer's secret is trusted before it is read again (a fixed key applies within it). */
  readonly customerTtlMs?: number;
  readonly now?: () => number;
}

const DEFAULT_CUSTOMER_TTL_MS = 5 * 60_000;

/**
 * Finds the sender for an upload: in a many-customer deployment the customer is the first folder under
 * incoming/ and its key, secret, pod and threshold come from its own secret (read per customer and cached
 * per container, so adding a customer needs no deploy); otherwise the deployment's one customer.
 */
export class UploadSenders {
  private single: Promise<FeedCredentials> | undefined;
  private readonly customers = new Map<
    string,
    { readonly loadedAt: number; readonly config: ReturnType<typeof loadFeedCustomer> }
  >();
  private readonly now: () => number;

  constructor(private readonly options: UploadSendersOptions) {
    this.now = options.now ?? Date.now;
  }

  get manyCustomers(): boolean {
    return this.options.customerSecretPrefix !== undefined;
  }

  /** Throws UnknownCustomerError when the upload names no registered customer. */
  async forUpload(uploadKey: string): Promise<UploadSender> {
    const { settings, http } = this.options;
    const clientFor = (credentials: FeedCredentials, baseUrl: URL): EventsApiClient =>
      new EventsApiClient({
        baseUrl,
        credentials,
        http,
        retry: settings.retry,
        requestTimeoutMs: settings.requestTimeoutMs,
      });
    const prefix = this.options.customerSecretPrefix;
    if (prefix === undefined) {
      this.single ??= loadFeedCredentials(this.options.env, this.options.secretReader()).catch((error: unknown) => {
        this.single = undefined; // try again on the next upload
        throw error;
      });
      const credentials = await this.single;
      return {
        customer: undefined,
        client: clientFor(credentials, settings.baseUrl),
        historicalAfterDays: settings.historicalAfterDays,
        destination: destinationOf(settings.baseUrl, credentials),
      };
    }
    const customer = customerOfKey(uploadKey);
    if (customer === undefined) {
      throw new UnknownCustomerError(
        `${uploadKey} names no customer: uploads go under incoming/<customer>/ (lower-case letters, digits, hyphens)`,
      );
    }
    const config = await this.customerConfig(customer, prefix);
    return {
      customer,
      client: clientFor(config.credentials, config.baseUrl),
      historicalAfterDays: config.historicalAfterDays,
      destination: destinationOf(config.baseUrl, config.credentials),
    };
  }

  /** Reads the credentials again next time (after mParticle refused them: the key may be fixed by then). */
  forget(customer: string | undefined): void {
    if (customer === undefined) this.single = undefined;
    else this.customers.delete(customer);
  }

  private customerConfig(customer: string, prefix: string): ReturnType<typeof loadFeedCustomer> {
    const cached = this.customers.get(customer);
    const ttl = this.options.customerTtlMs ?? DEFAULT_CUSTOMER_TTL_MS;
    if (cached && this.now() - cached.loadedAt < ttl) return cached.config;
    const config = loadFeedCustomer(customer, prefix, this.options.secretReader());
    config.catch(() => this.customers.delete(customer)); // a failed read is never cached
    this.customers.set(customer, { loadedAt: this.now(), config });
    return config;
  }
}

/** As the CLI's checkpoint records it (scripts/feed/feed-cli.ts). */
function destinationOf(baseUrl: URL, credentials: FeedCredentials): FeedDestination {
  return { endpoint: baseUrl.href, credentials: credentials.identity() };
}
