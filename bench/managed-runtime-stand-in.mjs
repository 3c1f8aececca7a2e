// A minimal stand-in for Lambda's managed Node.js runtime (/var/runtime/index.mjs), the cold-start baseline:
// an ES module that loads node:http through createRequire (as the managed client does), requires the handler
// named by _HANDLER, and serves invocations with JSON.parse on the payload. It does less than the real client
// (no log framing, no native HTTP client), so the baseline it gives is, if anything, too fast.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const http = require('node:http');
const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const spec = process.env._HANDLER ?? 'index.handler';
const moduleName = spec.slice(0, spec.lastIndexOf('.'));
const handler = require(path.resolve(process.env.LAMBDA_TASK_ROOT ?? '.', moduleName))[
  spec.slice(spec.lastIndexOf('.') + 1)
];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, route, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host, port: Number(port), method, path: `/2018-06-01/runtime${route}`, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

for (;;) {
  const next = await call('GET', '/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  try {
    const result = await handler(JSON.parse(next.body), { awsRequestId: id, getRemainingTimeInMillis: () => 3000 });
    await call('POST', `/invocation/${id}/response`, JSON.stringify(result));
  } catch (error) {
    await call(
      'POST',
      `/invocation/${id}/error`,
      JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }),
    );
  }
}
