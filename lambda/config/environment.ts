/**
 * The configuration catalogue: every environment variable the kit reads or sets, named here and nowhere else
 * in code (lambda/, lib/, local/, scripts/, bench/, certify/, test/ import the names; a test greps for strays).
 * Adding a knob: an entry here, its use, and the README's knob table (or the doc named by `doc`).
 * No imports: the Lambda bundles, the CDK app and the local tools all load it. Parsers: env-readers.ts.
 */

/**
 * `knob`: a setting the functions read (README table or `doc` lists it); `local`: local tools and tests only;
 * `platform`: set or read by Lambda, the AWS SDK, Powertools, Node.js, npm or the CDK (reserved names).
 */
export type Audience = 'knob' | 'local' | 'platform';

export interface Variable {
  readonly name: string;
  readonly audience: Audience;
  readonly description: string;
  /** The value used when unset, as documented (tests compare it with the code's default). */
  readonly default?: string;
  /** Where a knob is documented, when not in the README's tables. */
  readonly doc?: string;
}

type Names<T extends Record<string, Variable>> = { readonly [K in keyof T]: T[K]['name'] };

function namesOf<const T extends Record<string, Variable>>(group: T): Names<T> {
  return Object.fromEntries(Object.entries(group).map(([key, variable]) => [key, variable.name])) as Names<T>;
}

/** Delivery, the runtime loop, and the local system (ENV, re-exported by lambda/delivery/defaults.ts). */
const DELIVERY_VARIABLES = {
  partnerApiUrl: { name: 'PARTNER_API_URL', audience: 'knob', description: 'Base URL of the partner API (https; http only for loopback).' },
  deliveryQueueUrl: { name: 'DELIVERY_QUEUE_URL', audience: 'knob', description: 'The delivery queue (set by the construct).' },
  deadLetterQueueUrl: { name: 'DEAD_LETTER_QUEUE_URL', audience: 'knob', description: 'The dead-letter queue where parked messages wait.' },
  sealingKeyId: { name: 'SEALING_KMS_KEY_ID', audience: 'knob', description: 'KMS key id/ARN for envelope encryption of confidential settings in queue messages.' },
  localSealingKey: { name: 'LOCAL_SEALING_KEY', audience: 'knob', description: 'Local runs only: a base64 32-byte key used instead of KMS.' },
  inlineDeadlineMs: { name: 'INLINE_DEADLINE_MS', audience: 'knob', description: 'In-line partner call deadline before spilling to the queue.', default: '100' },
  deliveryBudgetSeconds: { name: 'DELIVERY_BUDGET_SECONDS', audience: 'knob', description: 'How long the worker keeps trying one message before parking it.', default: '583200' },
  backoffBaseMs: { name: 'BACKOFF_BASE_MS', audience: 'knob', description: 'First retry delay ceiling; doubles per receive, full jitter.', default: '2000' },
  backoffMaxMs: { name: 'BACKOFF_MAX_MS', audience: 'knob', description: 'Cap of the retry backoff.', default: '300000' },
  holdMaxMs: { name: 'HOLD_MAX_MS', audience: 'knob', description: 'Longest wait between two receives of one message.', default: '900000' },
  circuitOpenMs: { name: 'CIRCUIT_OPEN_MS', audience: 'knob', description: 'How long an open circuit waits before one call probes the partner.', default: '30000' },
  queueMessageMaxBytes: { name: 'QUEUE_MESSAGE_MAX_BYTES', audience: 'knob', description: "One queue message's size limit.", default: '262144' },
  suspendOnAuthFailure: { name: 'SUSPEND_ON_AUTH_FAILURE', audience: 'knob', description: '`true`: answer `suspend_subscription: true` on an in-line 401/403.', default: 'false' },
  /** Local runs only: the SQS emulator's endpoint. */
  sqsEndpoint: { name: 'SQS_ENDPOINT', audience: 'local', description: "Local runs only: the SQS emulator's endpoint." },
  managedRuntime: { name: 'FIREHOSE_MANAGED_RUNTIME', audience: 'knob', description: "`true`: the ingress's exec wrapper runs Lambda's managed runtime instead of the kit's loop.", doc: 'docs/runtime-loop.md' },
  logLevel: { name: 'LOG_LEVEL', audience: 'knob', description: "Powertools' log level (the construct's `logLevel`).", default: 'INFO', doc: 'docs/deploy.md' },
  // Set by Lambda itself (reserved names): the construct sets the wrapper, the runtime loop reads the rest.
  lambdaExecWrapper: { name: 'AWS_LAMBDA_EXEC_WRAPPER', audience: 'platform', description: "Lambda's exec wrapper script (the construct points it at the runtime loop's wrapper)." },
  lambdaRuntimeApi: { name: 'AWS_LAMBDA_RUNTIME_API', audience: 'platform', description: "Host:port of Lambda's Runtime API." },
  lambdaHandler: { name: '_HANDLER', audience: 'platform', description: "The function's handler setting." },
  lambdaTaskRoot: { name: 'LAMBDA_TASK_ROOT', audience: 'platform', description: "The folder holding the function's code." },
  lambdaTraceId: { name: '_X_AMZN_TRACE_ID', audience: 'platform', description: "The current invocation's X-Ray trace header." },
  lambdaFunctionName: { name: 'AWS_LAMBDA_FUNCTION_NAME', audience: 'platform', description: "The function's name." },
  lambdaFunctionVersion: { name: 'AWS_LAMBDA_FUNCTION_VERSION', audience: 'platform', description: "The function's version." },
  lambdaMemorySize: { name: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', audience: 'platform', description: "The function's memory in MB." },
  lambdaLogGroupName: { name: 'AWS_LAMBDA_LOG_GROUP_NAME', audience: 'platform', description: "The function's log group." },
  lambdaLogStreamName: { name: 'AWS_LAMBDA_LOG_STREAM_NAME', audience: 'platform', description: "The container's log stream." },
  bindHost: { name: 'BIND_HOST', audience: 'local', description: 'Local runs only: the address local services listen on (loopback only by default).', default: '127.0.0.1' },
  invokePort: { name: 'INVOKE_PORT', audience: 'local', description: "Local runs only: the port of `npm start`'s Lambda Invoke API.", default: '3001' },
  localIntegrationModule: { name: 'LOCAL_INTEGRATION_MODULE', audience: 'local', description: 'Local runs only: a module exporting `integration` that `npm start` runs instead of lambda/integration.' },
  sdkNodeVersionWarningDisabled: { name: 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', audience: 'platform', description: "The AWS SDK's opt-out of its Node-version warning (set by local tools and tests)." },
  metricsDisabled: { name: 'POWERTOOLS_METRICS_DISABLED', audience: 'platform', description: "Powertools' switch that stops metric output (set by the tests)." },
  dryRun: { name: 'DRY_RUN', audience: 'knob', description: '`true`: log partner calls instead of sending them; `false`: never.' },
  partnerCredentialSecretArn: { name: 'PARTNER_CREDENTIAL_SECRET_ARN', audience: 'knob', description: 'Secrets Manager secret holding the partner-level credential (calls without customer settings, e.g. DSR).' },
  partnerCredential: { name: 'PARTNER_CREDENTIAL', audience: 'knob', description: 'Local runs and tests only: the partner-level credential itself.' },
  claimCheckBucket: { name: 'CLAIM_CHECK_BUCKET', audience: 'knob', description: 'S3 bucket holding queue messages too large for SQS (claim checks).', doc: 'docs/partner-api.md' },
  s3Endpoint: { name: 'S3_ENDPOINT', audience: 'local', description: "Local runs only: the S3 emulator's endpoint (path-style addressing)." },
  httpInlineDeadlineMs: { name: 'HTTP_INLINE_DEADLINE_MS', audience: 'knob', description: "The HTTP function's in-line deadline (instead of INLINE_DEADLINE_MS).", default: '50' },
  partnerMaxRps: { name: 'PARTNER_MAX_RPS', audience: 'knob', description: 'Ceiling of partner requests per second for all worker containers together; unset: none.' },
  workerMaxConcurrency: { name: 'WORKER_MAX_CONCURRENCY', audience: 'knob', description: "Set by the construct: the worker event source's maximum concurrency, how many containers share PARTNER_MAX_RPS.", doc: 'docs/delivery-policy.md' },
  kmsEndpoint: { name: 'AWS_ENDPOINT_URL_KMS', audience: 'platform', description: "The AWS SDK's endpoint override for KMS (tests and the bench: a KMS stand-in on loopback)." },
} as const satisfies Record<string, Variable>;

/** Opt-in request capture (lambda/capture/, docs/capture-and-replay.md); unset: nothing is captured. */
const CAPTURE_VARIABLES = {
  bucket: { name: 'CAPTURE_BUCKET', audience: 'knob', description: 'S3 bucket the ingress writes captured requests to (`-c capture=true`).', doc: 'docs/capture-and-replay.md' },
  dir: { name: 'CAPTURE_DIR', audience: 'knob', description: 'Local runs: a folder instead of a bucket.', doc: 'docs/capture-and-replay.md' },
  sampleRate: { name: 'CAPTURE_SAMPLE_RATE', audience: 'knob', description: 'Share of requests captured, 0…1.', default: '1', doc: 'docs/capture-and-replay.md' },
  maxRecords: { name: 'CAPTURE_MAX_RECORDS', audience: 'knob', description: 'Records per NDJSON object.', default: '50', doc: 'docs/capture-and-replay.md' },
} as const satisfies Record<string, Variable>;

/** The HTTP variant's tokens (lambda/http/token-source.ts); the construct sets the first. */
const TOKEN_VARIABLES = {
  secretArn: { name: 'FIREHOSE_TOKEN_SECRET_ARN', audience: 'knob', description: "Secrets Manager secret holding mParticle's token (deployed).", doc: 'docs/http-variant.md' },
  tokens: { name: 'FIREHOSE_TOKENS', audience: 'knob', description: 'Comma-separated tokens, at most two (local runs).', doc: 'docs/http-variant.md' },
} as const satisfies Record<string, Variable>;

/** The inbound feed function (lambda/handlers/feed-s3.ts) and the feed CLI (docs/feeds.md). */
const FEED_VARIABLES = {
  secretArn: { name: 'MPARTICLE_SECRET_ARN', audience: 'knob', description: 'Secrets Manager secret holding the mParticle API key and secret.', doc: 'docs/feeds.md' },
  apiKey: { name: 'MPARTICLE_API_KEY', audience: 'knob', description: 'Local runs: the mParticle API key.', doc: 'docs/feeds.md' },
  apiSecret: { name: 'MPARTICLE_API_SECRET', audience: 'knob', description: 'Local runs: the mParticle API secret.', doc: 'docs/feeds.md' },
  pod: { name: 'MPARTICLE_POD', audience: 'knob', description: "The mParticle pod (US1, EU1, …) whose Events API receives the feed.", doc: 'docs/feeds.md' },
  baseUrl: { name: 'MPARTICLE_BASE_URL', audience: 'knob', description: 'An Events API base URL instead of the pod (local stand-ins).', doc: 'docs/feeds.md' },
  historicalAfterDays: { name: 'FEED_HISTORICAL_AFTER_DAYS', audience: 'knob', description: 'Batches older than this go to /bulkevents/historical.', default: '30', doc: 'docs/feeds.md' },
  concurrency: { name: 'FEED_CONCURRENCY', audience: 'knob', description: 'Bulk requests in flight at once.', default: '4', doc: 'docs/feeds.md' },
  maxAttempts: { name: 'FEED_MAX_ATTEMPTS', audience: 'knob', description: 'Tries per bulk request before the run stops.', doc: 'docs/feeds.md' },
  maxBatchesPerRequest: { name: 'FEED_MAX_BATCHES_PER_REQUEST', audience: 'knob', description: 'Batches per bulk request (at most 100).', default: '100', doc: 'docs/feeds.md' },
  maxRequestBytes: { name: 'FEED_MAX_REQUEST_BYTES', audience: 'knob', description: 'Bulk request body limit.', default: '262144', doc: 'docs/feeds.md' },
  maxBatchBytes: { name: 'FEED_MAX_BATCH_BYTES', audience: 'knob', description: 'Per-batch size limit.', default: '131072', doc: 'docs/feeds.md' },
  requestTimeoutMs: { name: 'FEED_REQUEST_TIMEOUT_MS', audience: 'knob', description: 'Deadline of one bulk request.', default: '30000', doc: 'docs/feeds.md' },
  maxObjectBytes: { name: 'FEED_MAX_OBJECT_BYTES', audience: 'knob', description: 'Largest uploaded object the function reads.', default: '268435456', doc: 'docs/feeds.md' },
} as const satisfies Record<string, Variable>;

/** Names owned by AWS, Powertools, Node.js, npm and the CDK that the kit reads or sets. */
const PLATFORM_VARIABLES = {
  awsRegion: { name: 'AWS_REGION', audience: 'platform', description: 'The AWS region (Lambda sets it; local tools default to us-east-1).' },
  awsDefaultRegion: { name: 'AWS_DEFAULT_REGION', audience: 'platform', description: "The AWS CLI's region (tests set it for the CLI)." },
  awsAccessKeyId: { name: 'AWS_ACCESS_KEY_ID', audience: 'platform', description: 'AWS credentials (dummies for the local emulators).' },
  awsSecretAccessKey: { name: 'AWS_SECRET_ACCESS_KEY', audience: 'platform', description: 'AWS credentials (dummies for the local emulators).' },
  serviceName: { name: 'POWERTOOLS_SERVICE_NAME', audience: 'platform', description: "Powertools' service name (the construct sets one per function)." },
  metricsNamespace: { name: 'POWERTOOLS_METRICS_NAMESPACE', audience: 'platform', description: "Powertools' metric namespace (the construct's `metricsNamespace`).", default: 'MparticleFirehose' },
  powertoolsLogLevel: { name: 'POWERTOOLS_LOG_LEVEL', audience: 'platform', description: "Powertools' own log level variable (LOG_LEVEL wins)." },
  powertoolsDev: { name: 'POWERTOOLS_DEV', audience: 'platform', description: "Powertools' development mode (pretty output; unset by tests)." },
  nodeOptions: { name: 'NODE_OPTIONS', audience: 'platform', description: 'Node.js options (the construct enables source maps).' },
  cdkDefaultAccount: { name: 'CDK_DEFAULT_ACCOUNT', audience: 'platform', description: "The CDK CLI's account, the app's default target account." },
  initCwd: { name: 'INIT_CWD', audience: 'platform', description: 'npm: the folder `npm run` was started in (relative paths resolve there).' },
  path: { name: 'PATH', audience: 'platform', description: 'The executable search path (passed through to child processes in tests).' },
  home: { name: 'HOME', audience: 'platform', description: 'The home folder (passed through to child processes in tests).' },
} as const satisfies Record<string, Variable>;

/** Local tools only: ports of `npm start` and the stand-in servers, and bench switches. */
const LOCAL_VARIABLES = {
  port: { name: 'PORT', audience: 'local', description: 'Port of `npm run http` and the local Events API stand-in.' },
  httpPort: { name: 'HTTP_PORT', audience: 'local', description: "Port of `npm start`'s HTTP variant.", default: '3002' },
  partnerPort: { name: 'PARTNER_PORT', audience: 'local', description: "Port of `npm start`'s partner API stand-in.", default: '3003' },
  sqsPort: { name: 'SQS_PORT', audience: 'local', description: "Port of `npm start`'s SQS emulator.", default: '3004' },
  bundleAwsSdk: { name: 'BUNDLE_AWS_SDK', audience: 'local', description: '`true`: the bundle bench bundles the AWS SDK into every function (to compare).' },
} as const satisfies Record<string, Variable>;

export const ENV = namesOf(DELIVERY_VARIABLES);
export const CAPTURE_ENV = namesOf(CAPTURE_VARIABLES);
export const TOKEN_ENV = namesOf(TOKEN_VARIABLES);
export const FEED_ENV = namesOf(FEED_VARIABLES);
export const PLATFORM_ENV = namesOf(PLATFORM_VARIABLES);
export const LOCAL_ENV = namesOf(LOCAL_VARIABLES);

/** Every variable, for the tests that keep code and docs in line with the catalogue. */
export const ALL_VARIABLES: readonly Variable[] = [DELIVERY_VARIABLES, CAPTURE_VARIABLES, TOKEN_VARIABLES, FEED_VARIABLES, PLATFORM_VARIABLES, LOCAL_VARIABLES].flatMap(
  (group): Variable[] => Object.values(group),
);

/** The knobs the functions read, user-facing: each must appear in the README's knob tables or in its `doc`. */
export const FUNCTION_KNOBS: readonly Variable[] = ALL_VARIABLES.filter((variable) => variable.audience === 'knob');
