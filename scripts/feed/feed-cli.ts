import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { HttpClient } from '../../lambda/common/http-client';
import { errorMessage } from '../../lambda/common/errors';
import {
  loadFeedCredentials,
  type CredentialsEnv,
  type SecretStringReader,
} from '../../lambda/feeds/credentials-source';
import { resolveEventsApiBaseUrl } from '../../lambda/feeds/events-api-endpoint';
import { createFeedHttpClient, EventsApiClient } from '../../lambda/feeds/events-api-client';
import { FileCheckpoint } from '../../lambda/feeds/file-checkpoint';
import {
  checkFeedLimits,
  checkHistoricalAfterDays,
  DEFAULT_HISTORICAL_AFTER_DAYS,
} from '../../lambda/feeds/feed-limits';
import {
  alreadyDone,
  exitCodeFor,
  formatSeconds,
  formatSummary,
  type FeedExitCode,
} from '../../lambda/feeds/feed-report';
import { runFeed, type FeedProgress } from '../../lambda/feeds/feed-run';
import { fileLineSource } from '../../lambda/feeds/line-sources';
import { DEFAULT_CUSTOMER_SECRET_PREFIX } from '../../lambda/feeds/feed-customer';
import { FEED_ENV } from '../../lambda/config/environment';
import { parseFeedArgs, USAGE } from './cli-args';
import { defaultCheckpointPath, resolveInputFiles } from './input-files';
import { createProgressDisplay, type ProgressStream } from './progress-display';
import { UsageError } from '../../local/errors';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  readonly env: CredentialsEnv;
  /** Aborted on the first Ctrl-C: finish in-flight requests, save the checkpoint, exit 2. */
  readonly interrupt?: AbortSignal;
  /** Where checkpoints go when `--checkpoint` is not given (default `.feed-checkpoints/` at the project root). */
  readonly checkpointDir?: string;
  /** Standard input, read whole (`customers add` takes the key and secret from it). */
  readonly readStdin?: () => Promise<string>;
}

/** The `npm run feed` command. Returns the exit code; prints messages, never stack traces or credentials. */
export async function runFeedCli(argv: readonly string[], io: CliIo): Promise<FeedExitCode> {
  const fail = (message: string): FeedExitCode => {
    io.stderr.write(`feed: ${message}\n`);
    return 2;
  };

  // Loaded on use: the customer commands and the registry bring the Secrets Manager SDK, which a run on
  // environment credentials never needs (it starts fast and quiet).
  if (argv[0] === 'customers') return (await import('./customers-cli')).runCustomersCli(argv.slice(1), io);

  let parsed;
  try {
    parsed = parseFeedArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`);
    throw error;
  }
  if (parsed.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const options = parsed.options;

  let http: HttpClient | undefined;
  try {
    const customer =
      options.customer === undefined
        ? undefined
        : await (await import('../../lambda/feeds/customer-registry')).loadFeedCustomer(
            options.customer,
            options.secretPrefix ?? io.env[FEED_ENV.customerSecretPrefix] ?? DEFAULT_CUSTOMER_SECRET_PREFIX,
            readSecretLazily,
          );
    const baseUrl = customer?.baseUrl ?? resolveEventsApiBaseUrl({ pod: options.pod, baseUrl: options.baseUrl });
    const limits = checkFeedLimits({
      maxBatchesPerRequest: options.maxBatchesPerRequest,
      maxRequestBytes: options.maxRequestBytes,
      maxBatchBytes: options.maxBatchBytes,
    });
    const historicalAfterDays = checkHistoricalAfterDays(
      options.historicalAfterDays ?? customer?.historicalAfterDays ?? DEFAULT_HISTORICAL_AFTER_DAYS,
    );
    const files = await resolveInputFiles(options.input);
    const credentials = customer?.credentials ?? (await loadFeedCredentials(io.env, readSecretLazily));
    const endpoint = `${baseUrl.origin}${baseUrl.pathname.replace(/\/+$/, '')}`;
    // Progress belongs to a destination: lines sent to a local try-out were not sent to the customer's pod.
    const destination = { endpoint, credentials: credentials.identity() };
    const checkpointPath =
      options.checkpoint ?? defaultCheckpointPath(options.input, files, destination, io.checkpointDir);
    await mkdir(path.dirname(checkpointPath), { recursive: true });
    const checkpoint = await FileCheckpoint.open(checkpointPath, destination, files);

    http = createFeedHttpClient(Math.max(4, options.concurrency ?? 4));
    const client = new EventsApiClient({
      baseUrl,
      credentials,
      http,
      retry: { maxAttempts: options.maxAttempts, maxRetryAfterMs: options.maxRetryAfterMs },
      requestTimeoutMs: options.requestTimeoutMs,
    });

    const total = files.reduce((sum, file) => sum + file.nonBlankLines, 0);
    const alreadyHandled = files.reduce((sum, file) => sum + checkpoint.handledLines(file.name), 0);
    io.stderr.write(
      `feed: ${total} line(s) in ${files.length} file(s) → ${endpoint}` +
        (alreadyHandled > 0 ? ` (resuming from ${checkpointPath})` : '') +
        '\n',
    );

    const display = createProgressDisplay(io.stderr, total);
    let lastProgress: FeedProgress | undefined;
    const report = await runFeed({
      sender: client,
      sources: files.map((file) => fileLineSource(file.path, file.name)),
      limits,
      historicalAfterDays,
      concurrency: options.concurrency,
      store: checkpoint,
      signal: io.interrupt,
      onProgress: (progress) => {
        lastProgress = progress;
        display.update(progress);
      },
      onSendEvent: (event) => {
        if (event.type !== 'retry-wait') return;
        display.note(
          `feed: ${event.reason}; waiting ${formatSeconds(event.waitMs)} ${event.retryAfter ? '(Retry-After)' : '(back-off)'} before attempt ${event.attempt + 1}`,
        );
      },
    });
    display.finish(lastProgress);

    const handledNow = report.sent + report.rejected.length + report.skipped;
    if (alreadyDone(report, total)) {
      io.stderr.write(
        `feed: nothing to send: earlier runs to ${endpoint} handled every line (checkpoint ${displayPath(checkpointPath)})\n`,
      );
    }
    const earlier = checkpoint.previous;
    const resumed = earlier.sent + earlier.rejected > 0;
    io.stdout.write(
      formatSummary(report, {
        input: `${options.input} (${files.length} file${files.length === 1 ? '' : 's'}, ${total} line(s))`,
        customer: customer?.customer,
        endpoint,
        checkpointPath: displayPath(checkpointPath),
        earlier: resumed ? earlier : undefined,
        notSent: report.stop ? Math.max(0, total - handledNow) : 0,
      }),
    );
    return exitCodeFor(report, earlier.rejected);
  } catch (error) {
    return fail(describeError(error));
  } finally {
    http?.destroy();
  }
}

/** The AWS SDK is loaded only when a secret ARN is used, so env-var runs start fast and quiet. */
const readSecretLazily: SecretStringReader = async (secretId) => {
  const { secretsManagerReader } = await import('../../lambda/common/secrets-manager-reader');
  return secretsManagerReader()(secretId);
};

function displayPath(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}

/** The message and its causes on one line: enough to act on, without a stack trace. */
function describeError(error: unknown): string {
  const parts = [errorMessage(error)];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && parts.length < 4) {
    parts.push(errorMessage(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(': ');
}
