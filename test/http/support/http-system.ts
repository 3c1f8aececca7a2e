import { afterEach } from 'vitest';
import { capturingLogger, startDeliverySystem, type DeliverySystem } from '../../support/delivery-system';
import { createHttpHandler, staticTokenSource, type TokenSource } from '../../../lambda/http';
import { startHttpEndpoint, type HttpEndpoint } from '../../../local/http-endpoint';

/**
 * The HTTP variant end to end on loopback: the local Function URL endpoint, the real HTTP handler, and
 * behind it the real delivery system (ingress pipeline, fauxqs SQS, worker, partner server). The HTTP
 * handler's log lines land in the same captured list as the pipeline's.
 */
export const TOKEN = 'tok_current_5b8e1f0c2d9a4e77';
export const PREVIOUS_TOKEN = 'tok_previous_93c4aa01e6f2b118';

export interface HttpSystem {
  readonly delivery: DeliverySystem;
  readonly endpoint: HttpEndpoint;
  readonly logLines: string[];
  /** POSTs a JSON text with the current token; a header given as `undefined` is left out. */
  post(path: string, body: string, headers?: Record<string, string | undefined>): Promise<HttpAnswer>;
  request(path: string, init: RequestInit): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): Record<string, unknown>;
}

export interface HttpSystemOptions {
  readonly tokens?: TokenSource;
  readonly maxBodyBytes?: number;
  readonly endpointMaxBodyBytes?: number;
  readonly env?: Record<string, string>;
}

export async function startHttpSystem(options: HttpSystemOptions = {}): Promise<HttpSystem> {
  const delivery = await startDeliverySystem(options.env);
  const handler = createHttpHandler({
    runtime: delivery.ingress,
    tokens: options.tokens ?? staticTokenSource([TOKEN]),
    logger: capturingLogger('firehose-http', delivery.logLines),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  const endpoint = await startHttpEndpoint({
    port: 0,
    handler,
    ...(options.endpointMaxBodyBytes === undefined ? {} : { maxBodyBytes: options.endpointMaxBodyBytes }),
  });

  const request = async (path: string, init: RequestInit): Promise<HttpAnswer> => {
    const response = await fetch(`${endpoint.url}${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: () => JSON.parse(text) as Record<string, unknown>,
    };
  };

  return {
    delivery,
    endpoint,
    logLines: delivery.logLines,
    request,
    post: (path, body, headers = {}) => {
      const merged: Record<string, string | undefined> = {
        'content-type': 'application/json',
        authorization: `Token ${TOKEN}`,
        ...headers,
      };
      const sent = Object.fromEntries(
        Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      return request(path, { method: 'POST', headers: sent, body });
    },
    async stop() {
      await endpoint.close();
      await delivery.stop();
    },
  };
}

/** One HTTP system per test, stopped after each: `const start = useHttpSystem();` at the top of a file. */
export function useHttpSystem(): (options?: HttpSystemOptions) => Promise<HttpSystem> {
  let system: HttpSystem | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });
  return async (options = {}) => {
    system = await startHttpSystem(options);
    return system;
  };
}
