/** The HTTP variant: the Firehose core behind a Function URL with mParticle's Token auth. */
export { MAX_BODY_BYTES } from './body-limit';
export { createHttpHandler, type HttpHandlerDependencies } from './create-http-handler';
export { answerFor, DEFAULT_RETRY_AFTER_SECONDS } from './error-status';
export type { FirehoseHttpEvent, FunctionUrlHandler, FunctionUrlResult } from './function-url';
export { HttpProblem, TokenConfigError, TokenSourceUnavailableError } from './errors';
export { findRoute, ROUTES, type Route } from './routes';
export { REJECTED_AUTH_METRIC } from './middleware/token-check';
export { readAuthorization, TokenSet } from './token-auth';
export { parseTokenList, parseTokenSecret } from './token-secret';
export {
  cachedSecretTokenSource,
  staticTokenSource,
  tokenSourceFromEnv,
  type TokenSource,
} from './token-source';
