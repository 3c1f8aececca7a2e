import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { IngressRuntime } from '../composition/ingress-runtime';
import { MAX_BODY_BYTES } from './body-limit';
import type { FirehoseHttpEvent, FunctionUrlHandler, FunctionUrlResult } from './function-url';
import { jsonResponse } from './json-response';
import { errorResponder } from './middleware/error-responder';
import { anyContentType } from './middleware/any-content-type';
import { lambdaContextLogging } from './middleware/lambda-context';
import { rawBody } from './middleware/raw-body';
import { routeGuard } from './middleware/route-guard';
import { routeMismatchWarning } from './middleware/route-mismatch';
import { tokenCheck } from './middleware/token-check';
import type { TokenSource } from './token-source';

export interface HttpHandlerDependencies {
  /** The same ingress pipeline the Lambda-invoke handler runs. */
  // The ingress pipeline, or anything that handles like it (an IngressFunction with its capture).
  readonly runtime: Pick<IngressRuntime, 'handle'>;
  readonly tokens: TokenSource;
  readonly logger: Logger;
  /** @default MAX_BODY_BYTES (6 MiB, the Function URL request limit) */
  readonly maxBodyBytes?: number;
  /** Retry-After on a 503. @default 5 */
  readonly retryAfterSeconds?: number;
  /** Called once per call refused for its token (the RejectedAuth metric). */
  readonly onRejectedAuth?: () => void;
}

/**
 * The HTTP variant (docs/http-variant.md): the Firehose core behind a Function URL. The checks run in this
 * order, each a middleware that throws its refusal: path (404) and method (405), size (413), JSON whatever
 * the Content-Type (400), token (401; none for registration, which has to be read first to know). A `type`
 * that belongs to another route is dispatched on its `type` and logged. The core then answers with the same
 * response document as the Lambda path: 200, or 202 when everything was queued; its field-path errors are
 * 400, a queue outage 503 (error-status.ts).
 */
export function createHttpHandler(deps: HttpHandlerDependencies): FunctionUrlHandler {
  const answer = async (event: FirehoseHttpEvent): Promise<FunctionUrlResult> => {
    // The raw text, not the parsed body: the core's own reader keeps 64-bit integers exact.
    const { response, summary } = await deps.runtime.handle(event.rawBody ?? '');
    return jsonResponse(summary.outcome === 'queued' ? 202 : 200, response);
  };

  return middy<FirehoseHttpEvent, FunctionUrlResult>()
    .use(lambdaContextLogging(deps.logger))
    .use(routeGuard())
    .use(rawBody({ maxBodyBytes: deps.maxBodyBytes ?? MAX_BODY_BYTES }))
    .use(anyContentType())
    .use(httpJsonBodyParser<FirehoseHttpEvent>())
    .use(routeMismatchWarning(deps.logger))
    .use(
      tokenCheck({
        tokens: deps.tokens,
        logger: deps.logger,
        ...(deps.onRejectedAuth ? { onRejected: deps.onRejectedAuth } : {}),
      }),
    )
    .use(
      errorResponder({
        logger: deps.logger,
        ...(deps.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: deps.retryAfterSeconds }),
      }),
    )
    .handler(answer);
}
