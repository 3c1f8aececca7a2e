import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { FirehoseHttpEvent, FunctionUrlResult } from '../function-url';

/** Adds the Lambda context (request id, function name, cold start) to every log line of the invocation. */
export function lambdaContextLogging(logger: Logger): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      // Local callers may pass a bare context; only a real one carries a request id.
      if (request.context.awsRequestId) logger.addContext(request.context);
    },
  };
}
