import { parseArgs } from 'node:util';
import { DEFAULT_FEED_LIMITS, DEFAULT_HISTORICAL_AFTER_DAYS } from '../../lambda/feeds/feed-limits';
import { DEFAULT_CONCURRENCY } from '../../lambda/feeds/feed-run';
import { DEFAULT_RETRY_POLICY } from '../../lambda/feeds/retrying-send';
import { FEED_ENV } from '../../lambda/config/environment';
import { UsageError } from '../../local/errors';

export const USAGE = `Usage: npm run feed -- [--pod us1|us2|eu1|au1 | --base-url <url> | --customer <name>] [options] <file.ndjson|directory>
       npm run feed -- customers add|list|check|remove|resume …   (customers --help for details)

Sends one mParticle Events API batch per NDJSON line to /bulkevents (or /bulkevents/historical
for batches older than --historical-after-days). A directory means every *.ndjson file in it.

Options:
  --pod <name>                   customer's pod: us1, us2, eu1, au1 (default: partner URL https://inbound.mparticle.com/s2s/v2)
  --base-url <url>               explicit Events API base URL (https; plain http only on 127.0.0.1/localhost)
  --customer <name>              a registered customer: key, secret, endpoint and threshold from its secret
  --secret-prefix <prefix>       where customers' secrets live (default ${FEED_ENV.customerSecretPrefix} or mparticle-feed/customers/)
  --checkpoint <file>            progress file for resuming (default: .feed-checkpoints/<input>-<hash>.checkpoint.json)
  --historical-after-days <n>    age that makes a batch historical (default ${DEFAULT_HISTORICAL_AFTER_DAYS}, at least 3)
  --concurrency <n>              requests in flight (default ${DEFAULT_CONCURRENCY})
  --max-attempts <n>             attempts per request before stopping (default ${DEFAULT_RETRY_POLICY.maxAttempts})
  --max-retry-after <seconds>    longest Retry-After honoured (default ${DEFAULT_RETRY_POLICY.maxRetryAfterMs / 1000})
  --max-batches-per-request <n>  at most 100 (default ${DEFAULT_FEED_LIMITS.maxBatchesPerRequest})
  --max-request-bytes <n>        request body limit (default ${DEFAULT_FEED_LIMITS.maxRequestBytes})
  --max-batch-bytes <n>          per-batch limit (default ${DEFAULT_FEED_LIMITS.maxBatchBytes})
  --request-timeout <seconds>    deadline of one HTTP exchange (default 30)
  -h, --help                     show this help

Credentials: ${FEED_ENV.apiKey} and ${FEED_ENV.apiSecret}, or ${FEED_ENV.secretArn} (a Secrets Manager
secret {"apiKey":"…","apiSecret":"…"} read with your AWS credentials).

Exit codes: 0 all sent; 1 finished with rejected batches; 2 stopped (credentials refused, retries
exhausted, interrupted) or could not start.
`;

export interface FeedCliOptions {
  readonly input: string;
  readonly pod?: string;
  readonly baseUrl?: string;
  readonly customer?: string;
  readonly secretPrefix?: string;
  readonly checkpoint?: string;
  readonly historicalAfterDays?: number;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly maxRetryAfterMs?: number;
  readonly maxBatchesPerRequest?: number;
  readonly maxRequestBytes?: number;
  readonly maxBatchBytes?: number;
  readonly requestTimeoutMs?: number;
}

export type ParsedCli = { readonly help: true } | { readonly help: false; readonly options: FeedCliOptions };

export function parseFeedArgs(argv: readonly string[]): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        pod: { type: 'string' },
        'base-url': { type: 'string' },
        customer: { type: 'string' },
        'secret-prefix': { type: 'string' },
        checkpoint: { type: 'string' },
        'historical-after-days': { type: 'string' },
        concurrency: { type: 'string' },
        'max-attempts': { type: 'string' },
        'max-retry-after': { type: 'string' },
        'max-batches-per-request': { type: 'string' },
        'max-request-bytes': { type: 'string' },
        'max-batch-bytes': { type: 'string' },
        'request-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : String(cause));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'give one NDJSON file or directory'
        : `give one input, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (values.pod !== undefined && values['base-url'] !== undefined)
    throw new UsageError('use --pod or --base-url, not both');
  if (values.customer !== undefined && (values.pod !== undefined || values['base-url'] !== undefined))
    throw new UsageError("--customer takes the endpoint from the customer's secret: leave out --pod and --base-url");
  const seconds = (name: string, value: string | undefined): number | undefined => {
    const number = numberOption(name, value, false);
    return number === undefined ? undefined : number * 1000;
  };
  return {
    help: false,
    options: {
      input: positionals[0] as string,
      pod: values.pod,
      baseUrl: values['base-url'],
      customer: values.customer,
      secretPrefix: values['secret-prefix'],
      checkpoint: values.checkpoint,
      historicalAfterDays: numberOption('--historical-after-days', values['historical-after-days'], false),
      concurrency: numberOption('--concurrency', values.concurrency, true),
      maxAttempts: numberOption('--max-attempts', values['max-attempts'], true),
      maxRetryAfterMs: seconds('--max-retry-after', values['max-retry-after']),
      maxBatchesPerRequest: numberOption('--max-batches-per-request', values['max-batches-per-request'], true),
      maxRequestBytes: numberOption('--max-request-bytes', values['max-request-bytes'], true),
      maxBatchBytes: numberOption('--max-batch-bytes', values['max-batch-bytes'], true),
      requestTimeoutMs: seconds('--request-timeout', values['request-timeout']),
    },
  };
}

function numberOption(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`${name} needs a ${integer ? 'whole ' : ''}number ≥ 0, got "${value}"`);
  }
  return number;
}
