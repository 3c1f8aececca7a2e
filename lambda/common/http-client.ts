import http from 'node:http';
import https from 'node:https';
import { RetryableError } from './errors';

/**
 * A keep-alive HTTP client meant to live at module scope: one per container, so warm invocations reuse
 * open sockets (no TCP or TLS handshake per call). Built on node:http/https to add nothing to the bundle.
 */

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The whole exchange (connect, send, full answer) must end within this many ms. */
  readonly deadlineMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The answer's body as text, cut at `maxBodyBytes`. */
  readonly body: string;
}

/** Raised when no HTTP answer came: connection refused or reset, DNS failure, or the deadline passed. */
export class HttpTransportError extends RetryableError {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network',
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'HttpTransportError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Plain HTTP is allowed only to this machine: anything that leaves it carries credentials and must use TLS. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Parses and checks a base URL: https anywhere, http only on loopback. Throws a message naming `what`. */
export function parseSecureUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a valid URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error(
    `${what} must use https (plain http is allowed only for loopback addresses), got ${url.protocol}//${url.host}`,
  );
}

export interface HttpClientOptions {
  /** Open sockets per host; bounds the load one container puts on the far side. */
  readonly maxSockets?: number;
  readonly maxBodyBytes?: number;
}

export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly maxBodyBytes: number;

  constructor(options: HttpClientOptions = {}) {
    const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: options.maxSockets ?? 50 };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const isHttps = req.url.protocol === 'https:';
    const transport = isHttps ? https : http;
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, response?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(response as HttpResponse);
      };

      const request = transport.request(
        req.url,
        { method: req.method, headers, agent: isHttps ? this.httpsAgent : this.httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < this.maxBodyBytes) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          res.on('end', () =>
            finish(undefined, {
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).subarray(0, this.maxBodyBytes).toString('utf8'),
            }),
          );
          res.on('error', (cause) =>
            finish(new HttpTransportError(`response from ${req.url.host} broke off`, 'network', cause)),
          );
        },
      );

      const timer = setTimeout(() => {
        finish(new HttpTransportError(`no answer from ${req.url.host} within ${req.deadlineMs} ms`, 'timeout'));
        request.destroy();
      }, req.deadlineMs);

      request.on('error', (cause: NodeJS.ErrnoException) =>
        finish(
          new HttpTransportError(`request to ${req.url.host} failed: ${cause.code ?? cause.message}`, 'network', cause),
        ),
      );
      request.end(req.body);
    });
  }

  /** Closes idle sockets, so a test or a CLI can exit promptly. */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
