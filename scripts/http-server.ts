/**
 * `tsx scripts/http-server.ts`: the HTTP variant on http://127.0.0.1:3002 (LOCAL_ENV.port to change it), with the
 * ingress pipeline configured from this environment (a dry run unless DELIVERY_ENV.partnerApiUrl and
 * DELIVERY_ENV.deliveryQueueUrl are set) and the tokens from TOKEN_ENV.tokens, by default `local-token`.
 */
import { answerHelp } from '../local/cli-help';
import { createHttpHandler, parseTokenList, staticTokenSource } from '../lambda/http';
import { createLogger } from '../lambda/observability/logger';
import { startHttpEndpoint } from '../local/http-endpoint';
import { createIngressFunction } from '../lambda/composition/ingress-function';
import { DELIVERY_ENV, LOCAL_ENV, TOKEN_ENV } from '../lambda/config/environment';
import { readPort } from '../lambda/config/env-readers';

const DEFAULT_PORT = 3002;
const DEFAULT_TOKEN = 'local-token';

answerHelp(`
usage: tsx scripts/http-server.ts

The HTTP variant alone on http://127.0.0.1:3002 (${LOCAL_ENV.port} to change it): POST /firehose (or /registration,
/events, /audience, /dsr) with Authorization: Token <token>; tokens from ${TOKEN_ENV.tokens}, by default
local-token. A dry run unless ${DELIVERY_ENV.partnerApiUrl} and ${DELIVERY_ENV.deliveryQueueUrl} are set. \`npm start\` runs it with
the rest of the system.
`);

async function main(): Promise<void> {
  const port = readPort(process.env, LOCAL_ENV.port, DEFAULT_PORT);
  const configured = process.env[TOKEN_ENV.tokens]?.trim();
  const tokens = configured ? parseTokenList(configured, TOKEN_ENV.tokens) : [DEFAULT_TOKEN];

  const logger = createLogger('firehose-http');
  const ingress = createIngressFunction({ env: process.env, logger, service: 'firehose-http' });
  const handler = createHttpHandler({ runtime: ingress, tokens: staticTokenSource(tokens), logger });
  const endpoint = await startHttpEndpoint({ port, handler });

  process.stderr.write(
    [
      `Firehose HTTP endpoint: ${endpoint.url}/firehose (also /registration, /events, /audience, /dsr)`,
      configured
        ? `Token: from ${TOKEN_ENV.tokens} (${tokens.length} configured, not shown)`
        : `Token: ${DEFAULT_TOKEN} (set ${TOKEN_ENV.tokens} to change it)`,
      ingress.description,
      `Try: curl -s -X POST ${endpoint.url}/firehose -H 'Content-Type: application/json' -H 'Authorization: Token ${configured ? '<token>' : DEFAULT_TOKEN}' --data @events/event-batch.json`,
      '',
    ].join('\n'),
  );

  const stop = async (): Promise<void> => {
    await endpoint.close();
    await ingress.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`http server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
