import { createCoreDependencies } from '../delivery/create-delivery';
import { createHttpHandler, tokenSourceFromEnv } from '../http';
import { integration } from '../integration';
import { createLogger } from '../observability/logger';
import { createIngressRuntime } from '../runtime/ingress-runtime';

/**
 * The function behind the Function URL mParticle POSTs to (the HTTP variant). Everything expensive is built
 * here, at module scope, once per container; the token secret is read on the first call that needs it.
 * Reads FIREHOSE_TOKEN_SECRET_ARN (or FIREHOSE_TOKENS locally) and the delivery settings the ingress reads.
 */
const logger = createLogger('firehose-http');
const runtime = createIngressRuntime(createCoreDependencies(integration, process.env, logger), logger);
const tokens = tokenSourceFromEnv(process.env, {
  onStaleKept: (error) =>
    logger.error('the token secret could not be re-read; the tokens read before stay in use', error instanceof Error ? error : String(error)),
});

export const handler = createHttpHandler({ runtime, tokens, logger });
