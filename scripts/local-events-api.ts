/**
 * `npm run events-api:local`: a stand-in for mParticle's Events API on 127.0.0.1 (the one the feed tests use),
 * to try `npm run feed` by hand, and a Secrets Manager stand-in for the feed's customer commands
 * (`npm run feed -- customers add|list|check|remove`, docs/feeds.md, "Many customers"). The Events API takes
 * Basic auth with local-key / local-secret and with every customer's key and secret stored in the stand-in.
 */
import { answerHelp } from '../local/cli-help';
import { startFakeEventsApi } from '../local/events-api-stand-in';
import { startSecretsManagerStandIn } from '../local/secrets-manager-stand-in';
import { FEED_ENV, LOCAL_ENV } from '../lambda/config/environment';
import { readPort } from '../lambda/config/env-readers';

answerHelp(`
usage: npm run events-api:local      (scripts/local-events-api.ts)

Starts a stand-in for mParticle's Events API on http://127.0.0.1:8080/v2, to try \`npm run feed\` by hand:
it checks Basic auth, answers 202 and prints the batches each request carried. Ctrl-C stops it.
Settings (environment): ${LOCAL_ENV.port} (8080), ${FEED_ENV.apiKey} (local-key), ${FEED_ENV.apiSecret} (local-secret).
Then: ${FEED_ENV.apiKey}=local-key ${FEED_ENV.apiSecret}=local-secret npm run feed -- --base-url http://127.0.0.1:8080/v2 events/feed/
`);

const port = readPort(process.env, LOCAL_ENV.port, 8080);
const apiKey = process.env[FEED_ENV.apiKey] || 'local-key';
const apiSecret = process.env[FEED_ENV.apiSecret] || 'local-secret';

async function main(): Promise<void> {
  const secrets = await startSecretsManagerStandIn();
  const server = await startFakeEventsApi({
    apiKey,
    apiSecret,
    // Every key/secret pair stored through `feed customers add` is accepted, as each customer's own account.
    accounts: () => secrets.accounts(),
    onRequest: (request) =>
      process.stdout.write(`${request.path} (${request.account ?? 'no key'}): ${request.ids.length} batch(es)\n`),
    port,
  });
  process.stdout.write(
    `Events API stand-in on ${server.baseUrl} (key ${apiKey}); Ctrl-C to stop\n` +
      `Secrets Manager stand-in: export AWS_ENDPOINT_URL_SECRETS_MANAGER=${secrets.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n` +
      `then: npm run feed -- customers add acme --base-url ${server.baseUrl}   (key and secret on stdin)\n`,
  );
  process.on('SIGINT', () => void Promise.all([server.close(), secrets.close()]).then(() => process.exit(0)));
}

void main();
