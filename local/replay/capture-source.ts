import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isCaptureRecord, type CaptureRecord } from '../../lambda/capture/capture-record';

/** Captured records from a local folder or an S3 prefix (`s3://bucket/prefix`), oldest object first. */
export async function readCaptures(source: string, options: { s3Endpoint?: string } = {}): Promise<CaptureRecord[]> {
  const texts = source.startsWith('s3://') ? await readS3(source, options.s3Endpoint) : await readFolder(source);
  const records: CaptureRecord[] = [];
  for (const { name, text } of texts) {
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${name}:${index + 1}: not a JSON line`);
      }
      if (!isCaptureRecord(value)) throw new Error(`${name}:${index + 1}: not a captured request (v 1)`);
      records.push(value);
    });
  }
  return records;
}

async function readFolder(folder: string): Promise<Array<{ name: string; text: string }>> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ndjson'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  return Promise.all(files.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
}

async function readS3(url: string, endpoint: string | undefined): Promise<Array<{ name: string; text: string }>> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new Error(`not an S3 location: ${url}`);
  const [, bucket = '', prefix = ''] = match;
  const api = await import('@aws-sdk/client-s3');
  const s3 = new api.S3Client(endpoint ? { endpoint, forcePathStyle: true } : {});
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new api.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key?.endsWith('.ndjson')) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    keys.sort();
    return await Promise.all(
      keys.map(async (key) => {
        const object = await s3.send(new api.GetObjectCommand({ Bucket: bucket, Key: key }));
        return { name: `s3://${bucket}/${key}`, text: (await object.Body?.transformToString('utf8')) ?? '' };
      }),
    );
  } finally {
    s3.destroy();
  }
}

/** `--since`: an ISO time, or a duration back from now such as `90m`, `6h`, `2d`. */
export function parseSince(text: string, now = Date.now()): number {
  const duration = /^(\d+)([mhd])$/.exec(text);
  if (duration)
    return now - Number(duration[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 'm' | 'h' | 'd'];
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new Error(`--since: expected an ISO time or a duration like 6h, got "${text}"`);
  return at;
}
