import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * AWS KMS's GenerateDataKey and Decrypt on loopback (JSON protocol), for the real @aws-sdk/client-kms pointed
 * at it with AWS_ENDPOINT_URL_KMS. It remembers the keys it made; each answer comes after `latencyMs`.
 */
export interface KmsStandIn {
  readonly url: string;
  /** The `X-Amz-Target` operations received, in order (e.g. `TrentService.GenerateDataKey`). */
  readonly calls: string[];
  /** While on, every call is refused with AccessDeniedException (400: the SDK does not retry it). */
  setFailing(failing: boolean): void;
  stop(): Promise<void>;
}

export async function startKmsStandIn(options: { latencyMs?: number } = {}): Promise<KmsStandIn> {
  const calls: string[] = [];
  const keys = new Map<string, Buffer>();
  let failing = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      calls.push(target);
      let status = 200;
      let answer: Record<string, unknown>;
      if (failing) {
        [status, answer] = [400, { __type: 'AccessDeniedException', message: 'refused by the stand-in' }];
      } else if (target.endsWith('.GenerateDataKey')) {
        const plaintext = randomBytes(32);
        const blob = randomBytes(48).toString('base64');
        keys.set(blob, plaintext);
        answer = { KeyId: 'stand-in', Plaintext: plaintext.toString('base64'), CiphertextBlob: blob };
      } else if (target.endsWith('.Decrypt')) {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { CiphertextBlob?: string };
        const plaintext = keys.get(input.CiphertextBlob ?? '');
        if (plaintext) answer = { KeyId: 'stand-in', Plaintext: plaintext.toString('base64') };
        else [status, answer] = [400, { __type: 'InvalidCiphertextException', message: 'invalid ciphertext' }];
      } else {
        [status, answer] = [400, { __type: 'UnsupportedOperationException', message: target }];
      }
      const send = (): void =>
        void res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      setTimeout(send, options.latencyMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    setFailing: (on) => {
      failing = on;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
