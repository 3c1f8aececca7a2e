// fs.promises, not node:fs/promises: Node loads it on first use, and capture is opt-in (~3 ms of every cold start).
import { mkdirSync, promises as fsPromises, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where captured NDJSON objects are written: an S3 bucket in AWS, a folder on a developer's machine. */
export interface CaptureSink {
  put(key: string, body: string): Promise<void>;
  readonly description: string;
  /**
   * Set for a sink on a developer's machine: a short trial captures a handful of requests, far fewer than
   * an object holds, so the buffer writes them after this idle time and, synchronously, when the process
   * ends (Ctrl-C, SIGTERM, exit). Never set in AWS, where a timer would run in a frozen sandbox.
   */
  readonly local?: { readonly idleFlushMs: number; putSync(key: string, body: string): void };
}

/** How long a local capture waits after its last record before writing what it holds. */
export const LOCAL_CAPTURE_IDLE_FLUSH_MS = 1_000;

/**
 * S3, with the SDK loaded on first write (the functions that capture use the Lambda runtime's SDK, and a
 * function that never captures never loads it). Encryption and expiry are the bucket's (lib/request-capture.ts).
 */
export function s3CaptureSink(bucket: string, options: { endpoint?: string } = {}): CaptureSink {
  let client:
    | Promise<{ api: typeof import('@aws-sdk/client-s3'); s3: import('@aws-sdk/client-s3').S3Client }>
    | undefined;
  const connect = () =>
    (client ??= import('@aws-sdk/client-s3').then((api) => ({
      api,
      s3: new api.S3Client({
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
        maxAttempts: 2,
      }),
    })));
  return {
    description: `s3://${bucket}`,
    async put(key, body) {
      const { api, s3 } = await connect();
      await s3.send(
        new api.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
      );
    },
  };
}

/** A local folder (git-ignored `.captures/` by default), for `npm start` and tests. */
export function folderCaptureSink(folder: string): CaptureSink {
  return {
    description: folder,
    async put(key, body) {
      const file = path.join(folder, key);
      await fsPromises.mkdir(path.dirname(file), { recursive: true });
      await fsPromises.writeFile(file, body);
    },
    local: {
      idleFlushMs: LOCAL_CAPTURE_IDLE_FLUSH_MS,
      putSync(key, body) {
        const file = path.join(folder, key);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, body);
      },
    },
  };
}
