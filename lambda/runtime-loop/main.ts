import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import { ENV } from '../delivery/defaults';
import { buildContext, header } from './context';
import { errorDocument, errorLogFields, RuntimeLoopError } from './error-document';
import { RAW_HANDLER_EXPORT } from './files';
import { logAlways, logLine } from './log';
import { createRuntimeApi, type Invocation, type RuntimeApi } from './runtime-api';

/**
 * The kit's own loop on the Lambda Runtime API, started by runtime-wrapper.sh in place of the managed
 * runtime. It hands the handler the payload's bytes (the managed runtime would JSON.parse them and round
 * every integer beyond 2^53). Node built-ins only; see docs/runtime-loop.md for the design and its risks.
 */
type RawHandler = (payload: Buffer, context: Context) => Promise<unknown>;

/** The exit code the managed runtime uses after an uncaught error: Lambda then starts a new sandbox. */
const EXIT_AFTER_UNCAUGHT = 129;

let api: RuntimeApi | undefined;
let initialized = false;
let inFlight: string | undefined;
let exiting = false;

function loadHandler(env: NodeJS.ProcessEnv): RawHandler {
  const spec = env[ENV.lambdaHandler] ?? 'index.handler';
  const dot = spec.lastIndexOf('.');
  const moduleName = dot > 0 ? spec.slice(0, dot) : spec;
  const file = path.resolve(env[ENV.lambdaTaskRoot] ?? __dirname, moduleName);
  let loaded: Record<string, unknown>;
  try {
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    const missing =
      (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(file);
    if (missing)
      throw new RuntimeLoopError('Runtime.ImportModuleError', `Cannot find module '${moduleName}'`, { cause: error });
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

async function invoke(runtime: RuntimeApi, handler: RawHandler, invocation: Invocation): Promise<void> {
  const { requestId, headers, body } = invocation;
  inFlight = requestId;
  // Read by the X-Ray SDK and Powertools for this invocation only.
  const traceId = header(headers, 'lambda-runtime-trace-id');
  if (traceId) process.env[ENV.lambdaTraceId] = traceId;
  else delete process.env[ENV.lambdaTraceId];

  let text: string;
  try {
    const result = await handler(body, buildContext(requestId, headers, process.env));
    text = JSON.stringify(result) ?? 'null';
  } catch (error) {
    logLine('ERROR', 'invocation failed', { requestId, ...errorLogFields(error) });
    await report(runtime.invocationError(requestId, errorDocument(error)), requestId);
    inFlight = undefined;
    return;
  }
  await report(runtime.respond(requestId, text), requestId);
  inFlight = undefined;
}

/** 202 is the normal answer; 400/403/413 mean this result was refused (logged), the loop goes on. */
async function report(posted: Promise<number>, requestId: string): Promise<void> {
  const status = await posted;
  if (status !== 202) logLine('WARN', 'Runtime API refused the result', { requestId, status });
}

async function fatal(error: unknown, errorType?: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  const document = errorType ? { ...errorDocument(error), errorType } : errorDocument(error);
  logAlways('ERROR', 'uncaught error: exiting so that Lambda starts a new sandbox', {
    requestId: inFlight,
    ...errorLogFields(error),
    errorType: document.errorType,
  });
  try {
    if (api && !initialized) await api.initError(document);
    else if (api && inFlight) await api.invocationError(inFlight, document);
  } catch (postError) {
    logAlways('ERROR', 'could not report the error to the Runtime API', errorLogFields(postError));
  } finally {
    process.exit(EXIT_AFTER_UNCAUGHT);
  }
}

async function main(): Promise<void> {
  process.on('uncaughtException', (error) => void fatal(error));
  process.on('unhandledRejection', (reason) => void fatal(reason, 'Runtime.UnhandledPromiseRejection'));

  const address = process.env[ENV.lambdaRuntimeApi];
  if (!address) {
    logAlways('ERROR', `${ENV.lambdaRuntimeApi} is not set: not running in a Lambda sandbox`);
    process.exit(1);
  }
  const runtime = (api = createRuntimeApi(address));
  const handler = loadHandler(process.env);
  initialized = true;
  // One line per sandbox, at any log level: its absence shows that the wrapper fell back to the managed runtime.
  logAlways('INFO', 'runtime loop ready', { node: process.version });
  for (;;) await invoke(runtime, handler, await runtime.next());
}

void main().catch((error: unknown) => fatal(error));
