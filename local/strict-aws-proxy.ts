import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkS3Request, conditionalPutPath, PRECONDITION_FAILED, type S3Refusal } from './strict-s3-rules';
import { checkSqsRequest, type SqsEntryFailure, type SqsRefusal } from './strict-sqs-rules';

/**
 * The strict layer: a loopback HTTP proxy in front of the emulator (fauxqs) that refuses, with the service's
 * own error codes, what SQS and S3 refuse and the emulator accepts (local/strict-sqs-rules.ts,
 * local/strict-s3-rules.ts), and decides S3's conditional puts (`If-None-Match: *`), which the emulator
 * ignores. Everything else passes through byte for byte. `npm start` and the test systems talk to the
 * emulator only through it, so a request real AWS would refuse fails locally too. SQS requests are checked
 * in the JSON protocol the AWS SDK for JavaScript v3 speaks; S3 requests path-style.
 */

export interface StrictRefusal {
  readonly service: 'sqs' | 's3';
  readonly code: string;
  readonly message: string;
}

export interface StrictProxy {
  readonly url: string;
  /** Every refusal so far (whole requests and batch entries), newest last: for tests. */
  readonly refusals: readonly StrictRefusal[];
  close(): Promise<void>;
}

const JSON_1_0 = 'application/x-amz-json-1.0';
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;
const SEND_ACTIONS = new Set(['SendMessage', 'SendMessageBatch']);
const MAX_REMEMBERED_HANDLES = 100_000;
/** Requests after which a queue's size limit may differ from the one remembered. */
const QUEUE_CHANGES = new Set(['AmazonSQS.SetQueueAttributes', 'AmazonSQS.CreateQueue', 'AmazonSQS.DeleteQueue']);

export async function startStrictProxy(options: {
  readonly upstream: string;
  readonly port?: number;
  readonly host?: string;
  /** Told of each refusal as it happens (`npm start` prints it). */
  readonly onRefusal?: (refusal: StrictRefusal) => void;
}): Promise<StrictProxy> {
  const upstream = new URL(options.upstream);
  const refused: StrictRefusal[] = [];
  const note = (refusal: StrictRefusal): void => {
    refused.push(refusal);
    options.onRefusal?.(refusal);
  };
  const maxBytes = new Map<string, Promise<number>>();
  // When each receipt handle was received, for SQS's 12-hour cap on a message's visibility (oldest dropped first).
  const receivedAt = new Map<string, number>();
  const rememberReceived = (answer: Buffer): void => {
    const messages = parseObject(answer)?.['Messages'];
    if (!Array.isArray(messages)) return;
    const now = Date.now();
    for (const message of messages as { ReceiptHandle?: unknown }[]) {
      if (typeof message.ReceiptHandle !== 'string') continue;
      receivedAt.set(message.ReceiptHandle, now);
      if (receivedAt.size > MAX_REMEMBERED_HANDLES) receivedAt.delete(receivedAt.keys().next().value as string);
    }
  };

  const send = (
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: upstream.hostname, port: upstream.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  // The tail of each key's conditional puts, so they are decided one at a time (dropped once idle).
  const conditionalTails = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (conditionalTails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    conditionalTails.set(key, tail);
    void tail.then(() => {
      if (conditionalTails.get(key) === tail) conditionalTails.delete(key);
    });
    return run;
  };
  /** Writes a conditional put through unless its key exists (then undefined), as S3 decides it. */
  const putIfAbsent = (
    objectPath: string,
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    body: Buffer,
  ) =>
    oneAtATime(objectPath, async () => {
      const head = await send('HEAD', objectPath, {}, Buffer.alloc(0));
      return head.status === 200 ? undefined : send(method, path, headers, body);
    });

  /** The queue's MaximumMessageSize, asked of the emulator once per queue (again after a change to queues). */
  const queueLimit = (queueUrl: string): Promise<number> => {
    let limit = maxBytes.get(queueUrl);
    if (!limit) {
      const body = Buffer.from(JSON.stringify({ QueueUrl: queueUrl, AttributeNames: ['MaximumMessageSize'] }));
      limit = send(
        'POST',
        '/',
        { 'content-type': JSON_1_0, 'x-amz-target': 'AmazonSQS.GetQueueAttributes', 'content-length': body.length },
        body,
      )
        .then((out) => {
          const value = Number(JSON.parse(out.body.toString('utf8'))?.Attributes?.MaximumMessageSize);
          return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_BYTES;
        })
        .catch(() => DEFAULT_MAX_MESSAGE_BYTES);
      maxBytes.set(queueUrl, limit);
    }
    return limit;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    const target = String(req.headers['x-amz-target'] ?? '');
    let failed: readonly SqsEntryFailure[] = [];
    let conditional: string | undefined;
    if (target.startsWith('AmazonSQS.')) {
      const action = target.slice('AmazonSQS.'.length);
      const input = parseObject(body);
      if (input) {
        const queueUrl = typeof input['QueueUrl'] === 'string' ? input['QueueUrl'] : '';
        const limit = SEND_ACTIONS.has(action) ? await queueLimit(queueUrl) : DEFAULT_MAX_MESSAGE_BYTES;
        const verdict = checkSqsRequest(action, input, limit, (handle) => receivedAt.get(handle));
        if (verdict.kind === 'refuse') return refuseSqs(res, verdict.refusal);
        failed = verdict.failed;
        for (const f of failed) note({ service: 'sqs', code: f.Code, message: f.Message });
        if (failed.length > 0) {
          const entries = verdict.input['Entries'];
          if (Array.isArray(entries) && entries.length === 0)
            return sendBody(res, 200, { 'content-type': JSON_1_0 }, JSON.stringify({ Successful: [], Failed: failed }));
          body = Buffer.from(JSON.stringify(verdict.input));
          headers['content-length'] = String(body.length);
        }
      }
    } else {
      const refusal = checkS3Request(method, path, req.headers);
      if (refusal) return refuseS3(res, refusal, path);
      conditional = conditionalPutPath(method, path, req.headers);
    }
    const out =
      conditional === undefined
        ? await send(method, path, headers, body)
        : await putIfAbsent(conditional, method, path, headers, body);
    // A lost race is S3's normal answer, not a bug to report: not noted as a refusal.
    if (out === undefined) return s3Error(res, PRECONDITION_FAILED, path);
    if (QUEUE_CHANGES.has(target)) maxBytes.clear();
    if (target === 'AmazonSQS.ReceiveMessage' && out.status === 200) rememberReceived(out.body);
    let outBody = out.body;
    if (failed.length > 0 && out.status === 200) {
      const answer = parseObject(out.body) ?? {};
      const earlier = Array.isArray(answer['Failed']) ? answer['Failed'] : [];
      outBody = Buffer.from(JSON.stringify({ ...answer, Failed: [...earlier, ...failed] }));
    }
    const outHeaders = { ...out.headers, 'content-length': String(outBody.length) };
    delete outHeaders['transfer-encoding'];
    res.writeHead(out.status, outHeaders).end(outBody);
  };

  const refuseSqs = (res: http.ServerResponse, refusal: SqsRefusal): void => {
    note({ service: 'sqs', code: refusal.code, message: refusal.message });
    // SQS's JSON answer: the code in `__type`, the legacy query code (which the SDK also reads) in a header.
    sendBody(
      res,
      400,
      { 'content-type': JSON_1_0, 'x-amzn-query-error': `${refusal.queryCode};Sender` },
      JSON.stringify({ __type: `com.amazonaws.sqs#${refusal.code}`, message: refusal.message }),
    );
  };

  const refuseS3 = (res: http.ServerResponse, refusal: S3Refusal, path: string): void => {
    note({ service: 's3', code: refusal.code, message: refusal.message });
    s3Error(res, refusal, path);
  };

  /** S3's XML error body. */
  const s3Error = (res: http.ServerResponse, refusal: S3Refusal, path: string): void => {
    const resource = escapeXml((path.split('?')[0] ?? '').slice(0, 200));
    const condition = refusal.condition ? `<Condition>${refusal.condition}</Condition>` : '';
    sendBody(
      res,
      refusal.status,
      { 'content-type': 'application/xml' },
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message>${condition}<Resource>${resource}</Resource></Error>`,
    );
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        if (!res.headersSent)
          sendBody(res, 502, { 'content-type': 'text/plain' }, `strict layer: emulator unreachable (${String(error)})`);
        else res.destroy();
      });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    refusals: refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function sendBody(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, text: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) }).end(text);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
