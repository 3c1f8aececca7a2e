import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import { buildContext, header } from './context';
import { errorDocument, errorLogFields, safeString } from './error-document';
import { RAW_HANDLER_EXPORT } from './files';
import { logAlways, logLine } from './log';
import { createRuntimeApi, type Invocation, type RuntimeApi } from './runtime-api';
import { xrayErrorCauseHeader } from './xray-error-cause';
import { RuntimeLoopError } from './errors';
import { PLATFORM_ENV } from '../config/environment';

/**
 * The kit's own loop on the Lambda Runtime API, started by runtime-wrapper.sh in place of the managed
 * runtime. It hands the handler the payload's bytes (the managed runtime would JSON.parse them and round
 * every integer beyond 2^53). Node built-ins only; see docs/runtime-loop.md for the design and its risks.
 */
type RawHandler = (payload: Buffer, context: Context) => Promise<unknown>;

/** The managed runtime's exit codes after an uncaught exception and an unhandled rejection: Lambda starts a new sandbox. */
const EXIT_AFTER_UNCAUGHT_EXCEPTION = 129;
const EXIT_AFTER_UNHANDLED_REJECTION = 128;

/** aws-lambda-ric 3.3's `Runtime.NodeJsExit` message, posted when an async handler's promise can no longer settle. */
const NEVER_SETTLED_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

let api: RuntimeApi | undefined;
/** Until the first invocation arrives, an uncaught error is an init error (as in the managed client). */
let initializing = true;
let inFlight: string | undefined;
let exiting = false;
/** Set while a handler runs: called when the event loop empties, i.e. the handler's promise can never settle. */
let onEmptyEventLoop: (() => void) | undefined;

/** Loads the handler module as the managed client does, with its error types (aws-lambda-ric `UserFunction.js`). */
function loadHandler(env: NodeJS.ProcessEnv): RawHandler {
  const spec = env[PLATFORM_ENV.lambdaHandler] ?? 'index.handler';
  const dot = spec.lastIndexOf('.');
  const moduleName = dot > 0 ? spec.slice(0, dot) : spec;
  const file = path.resolve(env[PLATFORM_ENV.lambdaTaskRoot] ?? __dirname, moduleName);
  let loaded: Record<string, unknown>;
  try {
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    // The client's message is String(error); its first line names the module (the rest is the require stack).
    const message = safeString(error).split('\n', 1)[0] ?? '';
    if (error instanceof SyntaxError)
      throw new RuntimeLoopError('Runtime.UserCodeSyntaxError', message, { cause: error });
    if ((error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND')
      throw new RuntimeLoopError('Runtime.ImportModuleError', message, { cause: error });
    throw error;
  }
  const handler = loaded[RAW_HANDLER_EXPORT];
  if (typeof handler !== 'function') {
    throw new RuntimeLoopError(
      'Runtime.HandlerNotFound',
      `${moduleName}.${RAW_HANDLER_EXPORT} is undefined or not exported`,
    );
  }
  return handler as RawHandler;
}

type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** The handler's outcome, or a Runtime.NodeJsExit error when nothing is left that could settle its promise. */
function run(handler: RawHandler, body: Buffer, context: Context): Promise<Settled> {
  const never = new Promise<Settled>((resolve) => {
    onEmptyEventLoop = () =>
      resolve({ ok: false, error: new RuntimeLoopError('Runtime.NodeJsExit', NEVER_SETTLED_MESSAGE) });
  });
  let settled: Promise<Settled>;
  try {
    settled = Promise.resolve(handler(body, context)).then(
      (value): Settled => ({ ok: true, value }),
      (error: unknown): Settled => ({ ok: false, error }),
    );
  } catch (error) {
    settled = Promise.resolve({ ok: false, error });
  }
  return Promise.race([settled, never]).finally(() => {
    onEmptyEventLoop = undefined;
  });
}

async function invoke(runtime: RuntimeApi, handler: RawHandler, invocation: Invocation): Promise<void> {
  const { requestId, headers, body } = invocation;
  inFlight = requestId;
  // Read by the X-Ray SDK and Powertools for this invocation only.
  const traceId = header(headers, 'lambda-runtime-trace-id');
  if (traceId) process.env[PLATFORM_ENV.lambdaTraceId] = traceId;
  else delete process.env[PLATFORM_ENV.lambdaTraceId];

  const outcome = await run(handler, body, buildContext(requestId, headers, process.env));
  let text: string | undefined;
  let failure: unknown = outcome.ok ? undefined : outcome.error;
  if (outcome.ok) {
    try {
      text = JSON.stringify(outcome.value) ?? 'null';
    } catch (error) {
      failure = error;
    }
  }
  if (text === undefined) {
    logLine('ERROR', 'invocation failed', { requestId, ...errorLogFields(failure) });
    await report(runtime.invocationError(requestId, errorDocument(failure), xrayErrorCauseHeader(failure)), requestId);
  } else {
    await report(runtime.respond(requestId, text), requestId);
  }
  inFlight = undefined;
}

/** 202 is the normal answer; 400/403/413 mean this result was refused (logged), the loop goes on. */
async function report(posted: Promise<number>, requestId: string): Promise<void> {
  const status = await posted;
  if (status !== 202) logLine('WARN', 'Runtime API refused the result', { requestId, status });
}

async function fatal(error: unknown, exitCode: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  const document = errorDocument(error);
  logAlways('ERROR', 'uncaught error: exiting so that Lambda starts a new sandbox', {
    requestId: inFlight,
    ...errorLogFields(error),
  });
  try {
    if (api && initializing) await api.initError(document);
    else if (api && inFlight) await api.invocationError(inFlight, document, xrayErrorCauseHeader(error));
  } catch (postError) {
    logAlways('ERROR', 'could not report the error to the Runtime API', errorLogFields(postError));
  } finally {
    process.exit(exitCode);
  }
}

/** The managed client's wrapper for a rejection nobody handled: its message is String(reason). */
function unhandledRejection(reason: unknown): RuntimeLoopError {
  return new RuntimeLoopError('Runtime.UnhandledPromiseRejection', safeString(reason), { cause: reason });
}

async function main(): Promise<void> {
  process.on('uncaughtException', (error) => void fatal(error, EXIT_AFTER_UNCAUGHT_EXCEPTION));
  process.on('unhandledRejection', (reason) => void fatal(unhandledRejection(reason), EXIT_AFTER_UNHANDLED_REJECTION));
  // Node ends a process whose event loop is empty, even while a handler's promise is pending: answer it instead.
  process.on('beforeExit', () => onEmptyEventLoop?.());

  const address = process.env[PLATFORM_ENV.lambdaRuntimeApi];
  if (!address) {
    logAlways('ERROR', `${PLATFORM_ENV.lambdaRuntimeApi} is not set: not running in a Lambda sandbox`);
    process.exit(1);
  }
  const runtime = (api = createRuntimeApi(address));
  const handler = loadHandler(process.env);
  // One line per sandbox, at any log level: its absence shows that the wrapper fell back to the managed runtime.
  logAlways('INFO', 'runtime loop ready', { node: process.version });
  for (;;) {
    const invocation = await runtime.next();
    // An init error is being reported: this sandbox ends without running the handler.
    if (exiting) return;
    initializing = false;
    await invoke(runtime, handler, invocation);
  }
}

void main().catch((error: unknown) => fatal(error, EXIT_AFTER_UNCAUGHT_EXCEPTION));
