/**
 * The child process of bench/http-hanging.ts: the HTTP function's module (its init runs here, at require
 * time, as in a fresh Lambda container) behind the local Function URL endpoint. Bundled like the deployed
 * function (CJS, AWS SDK external). Prints the endpoint's URL once it listens, then serves until killed.
 */
import { handler } from '../lambda/handlers/http';
import { startHttpEndpoint } from '../local/http-endpoint';

startHttpEndpoint({ port: 0, handler }).then(
  (endpoint) => process.stdout.write(`${endpoint.url}\n`),
  (error: unknown) => {
    process.stderr.write(`http-hanging child: ${String(error)}\n`);
    process.exit(1);
  },
);
