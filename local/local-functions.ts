import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../lambda/core/partner-integration';
import type { SqsBatchHandler } from '../lambda/delivery/worker-batch';
import { createWorkerFunction } from '../lambda/composition/worker-function';
import { createHttpHandler, tokenSourceFromEnv } from '../lambda/http';
import type { FunctionUrlHandler } from '../lambda/http/function-url';
import { createLogger } from '../lambda/observability/logger';
import type { WorkerObserver } from '../lambda/observability/metrics';
import { createIngressFunction, type IngressFunction } from '../lambda/composition/ingress-function';
import type { SystemLog } from './system-log';
import { FUNCTION_ENV } from '../lambda/config/environment';

/**
 * The three functions of the local system, built from the integration and the lambda/ code as loaded now.
 * `npm start` builds them again when a file under lambda/ changes (local/reload.ts); the queues, the servers
 * and the status page stay. Each function logs under its own name, as in Lambda.
 */
export interface LocalFunctions {
  readonly ingress: IngressFunction;
  readonly worker: SqsBatchHandler;
  readonly http: FunctionUrlHandler;
  close(): void;
}

export function buildLocalFunctions(
  integration: PartnerIntegration,
  functionEnv: Readonly<Record<string, string>>,
  log: SystemLog,
): LocalFunctions {
  const level = functionEnv[FUNCTION_ENV.logLevel];
  // This in-process ingress serves the HTTP variant, whose refused-call line already tells each refused
  // input: one quiet line (local/loop-ingress.ts does the same for the Invoke API).
  const ingressLogger = withoutWarnings(
    createLogger('firehose-ingress', level),
    (message) => message === 'rejected input',
  );
  const ingress = createIngressFunction({
    env: functionEnv,
    logger: ingressLogger,
    service: 'firehose-ingress',
    integration,
    observer: {
      handled: (summary, ms) =>
        log.invocation({ type: summary.type, outcome: summary.outcome, ms, calls: summary.calls }),
      rejected: (error, ms) =>
        log.invocation({ type: 'invalid', outcome: 'rejected', ms, calls: 0, error }, { tell: false }),
      failed: (error, ms) => log.invocation({ type: 'failed', outcome: 'error', ms, calls: 0, error }),
    },
  });
  const worker = createWorkerFunction({
    env: functionEnv,
    logger: createLogger('firehose-worker', level),
    integration,
    observer: workerActivity(log),
  });
  const httpHandler = createHttpHandler({
    runtime: ingress,
    tokens: tokenSourceFromEnv(functionEnv),
    logger: withoutWarnings(
      createLogger('firehose-http', level),
      (message, fields) => message === 'refused a call' && fields?.status === 400,
    ),
  });
  const http: FunctionUrlHandler = async (event, context) => {
    const result = await httpHandler(event, context);
    const status = result.statusCode ?? 200;
    if (status >= 400) {
      log.refused({
        method: event.requestContext.http.method,
        path: event.rawPath,
        status,
        reason: reasonOf(result.body),
      });
    }
    return result;
  };
  return {
    ingress,
    worker: worker.handleBatch,
    http,
    close: () => {
      void ingress.close();
      worker.close();
    },
  };
}

const answer = (status: number | undefined): string =>
  status === undefined ? 'no answer' : `partner answered ${status}`;

/**
 * One terminal line per delivery, retry and park, as the worker decides them. A message held while the
 * worker's circuit is open is not sent, so when its budget runs out its park carries no answer of its own:
 * the line then gives the partner's last answer to this worker, the reason the circuit opened.
 */
function workerActivity(log: SystemLog): WorkerObserver {
  let lastAnswer: number | undefined;
  return {
    delivered: (status) => {
      lastAnswer = status;
      log.activity(`worker: delivered a queued call (${answer(status)})`);
    },
    retried: (status) => {
      lastAnswer = status;
      log.activity(`worker: will retry a delivery (${answer(status)})`);
    },
    deadLettered: (status) =>
      log.activity(`worker: parked a delivery in the dead-letter queue (${answer(status ?? lastAnswer)})`),
    // Holds while the partner is down are many and already told by the retries; a 429 under the ceiling is not.
    held: (status) => {
      if (status !== undefined)
        log.activity(`worker: held a delivery, the partner asked to slow down (${answer(status)})`);
    },
  };
}

/** The logger, leaving out the warnings `told` picks: the terminal has its own line for them. */
function withoutWarnings(
  logger: Logger,
  told: (message: unknown, fields: { readonly status?: unknown } | undefined) => boolean,
): Logger {
  const warn = logger.warn.bind(logger);
  logger.warn = ((message: unknown, ...rest: unknown[]) => {
    if (!told(message, rest[0] as { status?: unknown } | undefined))
      (warn as (...args: unknown[]) => void)(message, ...rest);
  }) as Logger['warn'];
  return logger;
}

/** The error message of an error answer, short; never the request (it may hold a token). */
function reasonOf(body: string | undefined): string {
  try {
    const parsed = JSON.parse(body ?? '') as Record<string, unknown>;
    const text = parsed['message'] ?? parsed['error'] ?? '';
    return String(text).slice(0, 200);
  } catch {
    return '';
  }
}
