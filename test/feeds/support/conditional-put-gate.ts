import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback front for the local S3 emulator that honours S3's conditional put (`If-None-Match: *`: write only
 * if the key does not exist, else 412 PreconditionFailed), which the emulator ignores. Conditional puts are
 * decided one at a time, as S3 decides them; every other request passes through unchanged. Path-style only.
 */
export interface ConditionalPutGate {
  /** Give this to the S3 client as its endpoint. */
  readonly endpoint: string;
  /** Every PUT that reached the emulator, by path (`/bucket/key`), in order. */
  readonly puts: string[];
  close(): Promise<void>;
}

export async function startConditionalPutGate(upstream: string): Promise<ConditionalPutGate> {
  const target = new URL(upstream);
  const puts: string[] = [];
  let decided: Promise<unknown> = Promise.resolve();

  const forward = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): Promise<void> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const exists = (path: string): Promise<boolean> =>
    new Promise((resolve, reject) => {
      const head = http.request({ host: target.hostname, port: target.port, method: 'HEAD', path }, (answer) => {
        answer.resume();
        resolve(answer.statusCode === 200);
      });
      head.on('error', reject);
      head.end();
    });

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const conditional = request.method === 'PUT' && request.headers['if-none-match'] === '*';
      const handle = async (): Promise<void> => {
        if (conditional && (await exists(path))) {
          response.writeHead(412, { 'content-type': 'application/xml' });
          response.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>' +
              '<Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
          );
          return;
        }
        if (request.method === 'PUT') puts.push(path);
        await forward(request, body, response);
      };
      const done = conditional ? decided.then(handle, handle) : handle();
      if (conditional) decided = done.catch(() => undefined);
      done.catch(() => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    puts,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
