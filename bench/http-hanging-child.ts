/**
 * The child process of bench/http-hanging.ts: the HTTP function's module (its init runs here, at require
 * time, as in a fresh Lambda container) behind the local Function URL endpoint. Bundled like the deployed
 * function (CJS, AWS SDK external). Prints the endpoint's URL once it listens, then serves until killed.
 * With BENCH_BARE=true it serves a handler that answers 202 at once instead (the harness's own baseline).
 */
import type { FunctionUrlHandler } from '../lambda/http/function-url';
import { startHttpEndpoint } from '../local/http-endpoint';

const bare: FunctionUrlHandler = async () => ({
  statusCode: 202,
  headers: { 'content-type': 'application/json' },
  body: '{}',
});
// require, not import: the bare baseline must not run the function's init.
const handler: FunctionUrlHandler =
  process.env['BENCH_BARE'] === 'true'
    ? bare
    : (require('../lambda/handlers/http') as { handler: FunctionUrlHandler }).handler;

startHttpEndpoint({ port: 0, handler }).then(
  (endpoint) => process.stdout.write(`${endpoint.url}\n`),
  (error: unknown) => {
    process.stderr.write(`http-hanging child: ${String(error)}\n`);
    process.exit(1);
  },
);
