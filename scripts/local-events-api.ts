/**
 * `npm run events-api:local`: a stand-in for mParticle's Events API on 127.0.0.1 (the one the feed tests use),
 * to try `npm run feed` by hand. Basic auth with local-key / local-secret; answers 202 and counts batches.
 */
import { startFakeEventsApi } from '../local/events-api-stand-in';
import { FEED_ENV, LOCAL_ENV } from '../lambda/config/environment';

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
