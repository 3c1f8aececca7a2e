/**
 * The configuration catalogue: every environment variable the kit reads or sets, named here and nowhere else
 * in code (lambda/, lib/, local/, scripts/, bench/, certify/, test/ import the names; a test greps for strays).
 * Adding a knob: an entry here (its description a comment, which costs the bundles nothing), its use, and
 * the README's knob table (or the doc named by `doc`).
 * No imports: the Lambda bundles, the CDK app and the local tools all load it. Parsers (the only ones): env-readers.ts.
 */

/**
 * `knob`: a setting the functions read (README table or `doc` lists it); `local`: local tools and tests only;
 * `platform`: set or read by Lambda, the AWS SDK, Powertools, Node.js, npm or the CDK (reserved names).
 */
export type Audience = 'knob' | 'local' | 'platform';

export interface Variable {
  readonly name: string;
  readonly audience: Audience;
  /** The value used when unset, as documented (tests compare it with the code's default). */
  readonly default?: string;
  /** Where a knob is documented, when not in the README's tables. */
  readonly doc?: string;
}

type Names<T extends Record<string, Variable>> = { readonly [K in keyof T]: T[K]['name'] };

function namesOf<const T extends Record<string, Variable>>(group: T): Names<T> {
  return Object.fromEntries(Object.entries(group).map(([key, variable]) => [key, variable.name])) as Names<T>;
}

/** Delivery: the partner API, the queues, deadlines, retries, sealing and credentials (DELIVERY_ENV). */
const DELIVERY_VARIABLES = {
  /** Base URL of the partner API (https; http only for loopback). */
  partnerApiUrl: { name: 'PARTNER_API_URL', audience: 'knob' },
  /** The delivery queue (set by the construct). */
  deliveryQueueUrl: { name: 'DELIVERY_QUEUE_URL', audience: 'knob' },
  /** The dead-letter queue where parked messages wait. */
  deadLetterQueueUrl: { name: 'DEAD_LETTER_QUEUE_URL', audience: 'knob' },
  /** KMS key id/ARN for envelope encryption of confidential settings in queue messages. */
  sealingKeyId: { name: 'SEALING_KMS_KEY_ID', audience: 'knob' },
  /** Local runs only: a base64 32-byte key used instead of KMS. */
  localSealingKey: { name: 'LOCAL_SEALING_KEY', audience: 'knob' },
  /** In-line partner call deadline before spilling to the queue. */
  inlineDeadlineMs: { name: 'INLINE_DEADLINE_MS', audience: 'knob', default: '100' },
  /** How long the worker keeps trying one message before parking it. */
  deliveryBudgetSeconds: { name: 'DELIVERY_BUDGET_SECONDS', audience: 'knob', default: '583200' },
  /** First retry delay ceiling; doubles per receive, full jitter. */
  backoffBaseMs: { name: 'BACKOFF_BASE_MS', audience: 'knob', default: '2000' },
  /** Cap of the retry backoff. */
  backoffMaxMs: { name: 'BACKOFF_MAX_MS', audience: 'knob', default: '300000' },
  /** Longest wait between two receives of one message. */
  holdMaxMs: { name: 'HOLD_MAX_MS', audience: 'knob', default: '900000' },
  /** How long an open circuit waits before one call probes the partner. */
  circuitOpenMs: { name: 'CIRCUIT_OPEN_MS', audience: 'knob', default: '30000' },
  /** One queue message's size limit: the construct sets it to the delivery queue's maxMessageSizeBytes. */
  queueMessageMaxBytes: { name: 'QUEUE_MESSAGE_MAX_BYTES', audience: 'knob', default: '1048576' },
  /** `true`: answer `suspend_subscription: true` on an in-line 401/403. */
  suspendOnAuthFailure: { name: 'SUSPEND_ON_AUTH_FAILURE', audience: 'knob', default: 'false' },
  /** `true`: log partner calls instead of sending them; `false`: never. */
  dryRun: { name: 'DRY_RUN', audience: 'knob' },
  /** Secrets Manager secret holding the partner-level credential (calls without customer settings, e.g. DSR). */
  partnerCredentialSecretArn: { name: 'PARTNER_CREDENTIAL_SECRET_ARN', audience: 'knob' },
  /** Local runs and tests only: the partner-level credential itself. */
  partnerCredential: { name: 'PARTNER_CREDENTIAL', audience: 'knob' },
  /** S3 bucket holding queue messages too large for SQS (claim checks). */
  claimCheckBucket: { name: 'CLAIM_CHECK_BUCKET', audience: 'knob', doc: 'docs/partner-api.md' },
  /** The HTTP function's in-line deadline (instead of INLINE_DEADLINE_MS). */
  httpInlineDeadlineMs: { name: 'HTTP_INLINE_DEADLINE_MS', audience: 'knob', default: '50' },
  /** Ceiling of partner requests per second for all worker containers together; unset: none. */
  partnerMaxRps: { name: 'PARTNER_MAX_RPS', audience: 'knob' },
  /** Set by the construct: the worker event source's maximum concurrency, how many containers share PARTNER_MAX_RPS. */
  workerMaxConcurrency: { name: 'WORKER_MAX_CONCURRENCY', audience: 'knob', doc: 'docs/delivery-policy.md' },
} as const satisfies Record<string, Variable>;

/** What every function reads besides delivery: its log level and the runtime loop's switch. */
const FUNCTION_VARIABLES = {
  /** `true`: the ingress's exec wrapper runs Lambda's managed runtime instead of the kit's loop. */
  managedRuntime: { name: 'FIREHOSE_MANAGED_RUNTIME', audience: 'knob', doc: 'docs/runtime-loop.md' },
  /** Powertools' log level (the construct's `logLevel`). */
  logLevel: { name: 'LOG_LEVEL', audience: 'knob', default: 'INFO', doc: 'docs/deploy.md' },
} as const satisfies Record<string, Variable>;

/** Opt-in request capture (lambda/capture/, docs/capture-and-replay.md); unset: nothing is captured. */
const CAPTURE_VARIABLES = {
  /** S3 bucket the ingress writes captured requests to (`-c capture=true`). */
  bucket: { name: 'CAPTURE_BUCKET', audience: 'knob', doc: 'docs/capture-and-replay.md' },
  /** Local runs: a folder instead of a bucket. */
  dir: { name: 'CAPTURE_DIR', audience: 'knob', doc: 'docs/capture-and-replay.md' },
  /** Share of requests captured, 0…1. */
  sampleRate: { name: 'CAPTURE_SAMPLE_RATE', audience: 'knob', default: '1', doc: 'docs/capture-and-replay.md' },
  /** Records per NDJSON object. */
  maxRecords: { name: 'CAPTURE_MAX_RECORDS', audience: 'knob', default: '50', doc: 'docs/capture-and-replay.md' },
} as const satisfies Record<string, Variable>;

/** The HTTP variant's tokens (lambda/http/token-source.ts); the construct sets the first. */
const TOKEN_VARIABLES = {
  /** Secrets Manager secret holding mParticle's token (deployed). */
  secretArn: { name: 'FIREHOSE_TOKEN_SECRET_ARN', audience: 'knob', doc: 'docs/http-variant.md' },
  /** Comma-separated tokens, at most two (local runs). */
  tokens: { name: 'FIREHOSE_TOKENS', audience: 'knob', doc: 'docs/http-variant.md' },
} as const satisfies Record<string, Variable>;

/** The inbound feed function (lambda/handlers/feed-s3.ts) and the feed CLI (docs/feeds.md). */
const FEED_VARIABLES = {
  /** Secrets Manager secret holding the mParticle API key and secret. */
  secretArn: { name: 'MPARTICLE_SECRET_ARN', audience: 'knob', doc: 'docs/feeds.md' },
  /** Local runs: the mParticle API key. */
  apiKey: { name: 'MPARTICLE_API_KEY', audience: 'knob', doc: 'docs/feeds.md' },
  /** Local runs: the mParticle API secret. */
  apiSecret: { name: 'MPARTICLE_API_SECRET', audience: 'knob', doc: 'docs/feeds.md' },
  /** The mParticle pod (US1, EU1, …) whose Events API receives the feed. */
  pod: { name: 'MPARTICLE_POD', audience: 'knob', doc: 'docs/feeds.md' },
  /** An Events API base URL instead of the pod (local stand-ins). */
  baseUrl: { name: 'MPARTICLE_BASE_URL', audience: 'knob', doc: 'docs/feeds.md' },
  /** Batches older than this go to /bulkevents/historical. */
  historicalAfterDays: { name: 'FEED_HISTORICAL_AFTER_DAYS', audience: 'knob', default: '30', doc: 'docs/feeds.md' },
  /** Bulk requests in flight at once. */
  concurrency: { name: 'FEED_CONCURRENCY', audience: 'knob', default: '4', doc: 'docs/feeds.md' },
  /** Tries per bulk request before the run stops. */
  maxAttempts: { name: 'FEED_MAX_ATTEMPTS', audience: 'knob', doc: 'docs/feeds.md' },
  /** Batches per bulk request (at most 100). */
  maxBatchesPerRequest: {
    name: 'FEED_MAX_BATCHES_PER_REQUEST',
    audience: 'knob',
    default: '100',
    doc: 'docs/feeds.md',
  },
  /** Bulk request body limit. */
  maxRequestBytes: { name: 'FEED_MAX_REQUEST_BYTES', audience: 'knob', default: '262144', doc: 'docs/feeds.md' },
  /** Per-batch size limit. */
  maxBatchBytes: { name: 'FEED_MAX_BATCH_BYTES', audience: 'knob', default: '131072', doc: 'docs/feeds.md' },
  /** Deadline of one bulk request. */
  requestTimeoutMs: { name: 'FEED_REQUEST_TIMEOUT_MS', audience: 'knob', default: '30000', doc: 'docs/feeds.md' },
  /** Largest uploaded object the function reads. */
  maxObjectBytes: { name: 'FEED_MAX_OBJECT_BYTES', audience: 'knob', default: '268435456', doc: 'docs/feeds.md' },
  /** Many customers: their secrets' common prefix; uploads name the customer (incoming/<customer>/…). */
  customerSecretPrefix: { name: 'FEED_CUSTOMER_SECRET_PREFIX', audience: 'knob', doc: 'docs/feeds.md' },
  /** Many customers: uploads of one customer sent at once (0: no cap; default 2, lambda/feeds/customer-slots.ts). */
  maxUploadsPerCustomer: { name: 'FEED_MAX_UPLOADS_PER_CUSTOMER', audience: 'knob', doc: 'docs/feeds.md' },
} as const satisfies Record<string, Variable>;

/** Names owned by AWS, Powertools, Node.js, npm and the CDK that the kit reads or sets. */
const PLATFORM_VARIABLES = {
  /** The AWS region (Lambda sets it; local tools default to us-east-1). */
  awsRegion: { name: 'AWS_REGION', audience: 'platform' },
  /** The AWS CLI's region (tests set it for the CLI). */
  awsDefaultRegion: { name: 'AWS_DEFAULT_REGION', audience: 'platform' },
  /** AWS credentials (dummies for the local emulators). */
  awsAccessKeyId: { name: 'AWS_ACCESS_KEY_ID', audience: 'platform' },
  /** AWS credentials (dummies for the local emulators). */
  awsSecretAccessKey: { name: 'AWS_SECRET_ACCESS_KEY', audience: 'platform' },
  /** Powertools' service name (the construct sets one per function). */
  serviceName: { name: 'POWERTOOLS_SERVICE_NAME', audience: 'platform' },
  /** Powertools' metric namespace (the construct's `metricsNamespace`). */
  metricsNamespace: { name: 'POWERTOOLS_METRICS_NAMESPACE', audience: 'platform', default: 'MparticleFirehose' },
  /** Powertools' own log level variable (wins over LOG_LEVEL when both are set). */
  powertoolsLogLevel: { name: 'POWERTOOLS_LOG_LEVEL', audience: 'platform' },
  /** Powertools' development mode (pretty output; unset by tests). */
  powertoolsDev: { name: 'POWERTOOLS_DEV', audience: 'platform' },
  /** Node.js options (the construct enables source maps). */
  nodeOptions: { name: 'NODE_OPTIONS', audience: 'platform' },
  /** The CDK CLI's account, the app's default target account. */
  cdkDefaultAccount: { name: 'CDK_DEFAULT_ACCOUNT', audience: 'platform' },
  /** npm: the folder `npm run` was started in (relative paths resolve there). */
  initCwd: { name: 'INIT_CWD', audience: 'platform' },
  /** The executable search path (passed through to child processes in tests). */
  path: { name: 'PATH', audience: 'platform' },
  /** The home folder (passed through to child processes in tests). */
  home: { name: 'HOME', audience: 'platform' },
  // Set by Lambda itself (reserved names): the construct sets the wrapper, the runtime loop reads the rest.
  /** Lambda's exec wrapper script (the construct points it at the runtime loop's wrapper). */
  lambdaExecWrapper: { name: 'AWS_LAMBDA_EXEC_WRAPPER', audience: 'platform' },
  /** Host:port of Lambda's Runtime API. */
  lambdaRuntimeApi: { name: 'AWS_LAMBDA_RUNTIME_API', audience: 'platform' },
  /** The function's handler setting. */
  lambdaHandler: { name: '_HANDLER', audience: 'platform' },
  /** The folder holding the function's code. */
  lambdaTaskRoot: { name: 'LAMBDA_TASK_ROOT', audience: 'platform' },
  /** Set on Lambda Managed Instances (several invocations per sandbox): the ingress's wrapper then runs the managed runtime. */
  lambdaMaxConcurrency: { name: 'AWS_LAMBDA_MAX_CONCURRENCY', audience: 'platform' },
  /** The current invocation's X-Ray trace header. */
  lambdaTraceId: { name: '_X_AMZN_TRACE_ID', audience: 'platform' },
  /** The function's name. */
  lambdaFunctionName: { name: 'AWS_LAMBDA_FUNCTION_NAME', audience: 'platform' },
  /** The function's version. */
  lambdaFunctionVersion: { name: 'AWS_LAMBDA_FUNCTION_VERSION', audience: 'platform' },
  /** The function's memory in MB. */
  lambdaMemorySize: { name: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', audience: 'platform' },
  /** The function's log group. */
  lambdaLogGroupName: { name: 'AWS_LAMBDA_LOG_GROUP_NAME', audience: 'platform' },
  /** The container's log stream. */
  lambdaLogStreamName: { name: 'AWS_LAMBDA_LOG_STREAM_NAME', audience: 'platform' },
  /** Powertools' switch that stops metric output (set by the tests). */
  metricsDisabled: { name: 'POWERTOOLS_METRICS_DISABLED', audience: 'platform' },
  /** The AWS SDK's endpoint override for KMS (tests and the bench: a KMS stand-in on loopback). */
  kmsEndpoint: { name: 'AWS_ENDPOINT_URL_KMS', audience: 'platform' },
} as const satisfies Record<string, Variable>;

/** Local tools only: ports of `npm start` and the stand-in servers, and bench switches. */
const LOCAL_VARIABLES = {
  /** Port of `npm run http` and the local Events API stand-in. */
  port: { name: 'PORT', audience: 'local' },
  /** Port of `npm start`'s HTTP variant. */
  httpPort: { name: 'HTTP_PORT', audience: 'local', default: '3002' },
  /** Port of `npm start`'s partner API stand-in. */
  partnerPort: { name: 'PARTNER_PORT', audience: 'local', default: '3003' },
  /** Port of `npm start`'s SQS emulator. */
  sqsPort: { name: 'SQS_PORT', audience: 'local', default: '3004' },
  /** `true`: the bundle bench bundles the AWS SDK into every function (to compare). */
  bundleAwsSdk: { name: 'BUNDLE_AWS_SDK', audience: 'local' },
  /** An installed aws-lambda-ric 4 (with its native addon): the cold-start bench adds the empty handler under it. */
  benchRicDir: { name: 'BENCH_RIC_DIR', audience: 'local' },
  /** The SQS emulator's endpoint. */
  sqsEndpoint: { name: 'SQS_ENDPOINT', audience: 'local' },
  /** The S3 emulator's endpoint (path-style addressing). */
  s3Endpoint: { name: 'S3_ENDPOINT', audience: 'local' },
  /** The address local services listen on (loopback only by default). */
  bindHost: { name: 'BIND_HOST', audience: 'local', default: '127.0.0.1' },
  /** The port of `npm start`'s Lambda Invoke API. */
  invokePort: { name: 'INVOKE_PORT', audience: 'local', default: '3001' },
  /** A module exporting `integration` that `npm start` runs instead of lambda/integration. */
  localIntegrationModule: { name: 'LOCAL_INTEGRATION_MODULE', audience: 'local' },
} as const satisfies Record<string, Variable>;

export const DELIVERY_ENV = namesOf(DELIVERY_VARIABLES);
export const FUNCTION_ENV = namesOf(FUNCTION_VARIABLES);
export const CAPTURE_ENV = namesOf(CAPTURE_VARIABLES);
export const TOKEN_ENV = namesOf(TOKEN_VARIABLES);
export const FEED_ENV = namesOf(FEED_VARIABLES);
export const PLATFORM_ENV = namesOf(PLATFORM_VARIABLES);
export const LOCAL_ENV = namesOf(LOCAL_VARIABLES);

/** Every variable, for the tests that keep code and docs in line with the catalogue. */
export const ALL_VARIABLES: readonly Variable[] = [
  DELIVERY_VARIABLES,
  FUNCTION_VARIABLES,
  CAPTURE_VARIABLES,
  TOKEN_VARIABLES,
  FEED_VARIABLES,
  PLATFORM_VARIABLES,
  LOCAL_VARIABLES,
].flatMap((group): Variable[] => Object.values(group));

/** The knobs the functions read, user-facing: each must appear in the README's knob tables or in its `doc`. */
export const FUNCTION_KNOBS: readonly Variable[] = ALL_VARIABLES.filter((variable) => variable.audience === 'knob');
