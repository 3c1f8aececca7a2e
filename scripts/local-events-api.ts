/**
 * `npm run events-api:local`: a stand-in for mParticle's Events API on 127.0.0.1 (the one the feed tests use),
 * to try `npm run feed` by hand. Basic auth with local-key / local-secret; answers 202 and counts batches.
 */
import { answerHelp } from '../local/cli-help';
import { startFakeEventsApi } from '../local/events-api-stand-in';
import { FEED_ENV, LOCAL_ENV } from '../lambda/config/environment';

answerHelp(`
usage: npm run events-api:local      (scripts/local-events-api.ts)

Starts a stand-in for mParticle's Events API on http://127.0.0.1:8080/v2, to try \`npm run feed\` by hand:
it checks Basic auth, answers 202 and prints the batches each request carried. Ctrl-C stops it.
Settings (environment): ${LOCAL_ENV.port} (8080), ${FEED_ENV.apiKey} (local-key), ${FEED_ENV.apiSecret} (local-secret).
Then: ${FEED_ENV.apiKey}=local-key ${FEED_ENV.apiSecret}=local-secret npm run feed -- --base-url http://127.0.0.1:8080/v2 events/feed/
`);

const port = Number(process.env[LOCAL_ENV.port] ?? 8080);
const apiKey = process.env[FEED_ENV.apiKey] || 'local-key';
const apiSecret = process.env[FEED_ENV.apiSecret] || 'local-secret';

startFakeEventsApi({
  apiKey,
  apiSecret,
  port,
  onRequest: (request) => process.stdout.write(`${request.path}: ${request.ids.length} batch(es)\n`),
}).then((server) => {
  process.stdout.write(`Events API stand-in on ${server.baseUrl} (key ${apiKey}); Ctrl-C to stop\n`);
  process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
});
