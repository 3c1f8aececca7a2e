import { createHash } from 'node:crypto';
import { createReadStream, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import type { FeedDestination, InputFingerprint } from '../../lambda/feeds/file-checkpoint';

export interface InputFile extends InputFingerprint {
  readonly path: string;
  /** Lines with something on them: the batches to handle, for the progress bar. */
  readonly nonBlankLines: number;
}

/** A file, or every *.ndjson file directly in a directory (sorted by name, so runs are repeatable). */
export async function resolveInputFiles(input: string): Promise<InputFile[]> {
  let stats;
  try {
    stats = await fs.stat(input);
  } catch (cause) {
    throw new Error(`cannot read input ${input}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  if (stats.isFile()) return [await scanInputFile(input, path.basename(input))];
  if (!stats.isDirectory()) throw new Error(`input ${input} is neither a file nor a directory`);
  const names = (await fs.readdir(input, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ndjson'))
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) throw new Error(`no *.ndjson files in directory ${input}`);
  return Promise.all(names.map((name) => scanInputFile(path.join(input, name), name)));
}

/** Where checkpoints go by default: one git-ignored folder at the project root, never inside the input tree. */
export const DEFAULT_CHECKPOINT_DIR = path.resolve(__dirname, '..', '..', '.feed-checkpoints');

/**
 * `.feed-checkpoints/<input name>-<hash>.checkpoint.json`, outside the input (a checkpoint written into
 * `events/` would be read as a sample). The hash covers the destination (endpoint and credentials' identity),
 * so a try-out against a local stand-in never makes the real run skip lines, and the input: a file by its
 * content (an edited file is new content, sent in full), a folder by its path (a file added to it later is
 * sent alone; each file's size and SHA-256 in the checkpoint guard against edits).
 */
export function defaultCheckpointPath(
  input: string,
  files: readonly InputFingerprint[],
  destination: FeedDestination,
  directory: string = DEFAULT_CHECKPOINT_DIR,
): string {
  const resolved = path.resolve(input);
  const key = createHash('sha256').update(`${destination.endpoint}\n${destination.credentials}\n`);
  const [file] = files;
  const isFolder = statSync(resolved, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (file && files.length === 1 && !isFolder) key.update(`${file.name}\t${file.sha256}\n`);
  else key.update(`folder\t${resolved}\n`);
  const tag = key.digest('hex').slice(0, 12);
  const name = path.basename(resolved).replace(/[^A-Za-z0-9._-]+/g, '_') || 'input';
  return path.join(directory, `${name}-${tag}.checkpoint.json`);
}

/** One pass: size, content hash (the checkpoint's guard against edited inputs) and non-blank lines. */
export async function scanInputFile(filePath: string, name: string): Promise<InputFile> {
  const hash = createHash('sha256');
  let size = 0;
  let nonBlankLines = 0;
  let lineHasContent = false;
  for await (const chunk of createReadStream(filePath)) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
    for (const byte of bytes) {
      if (byte === 0x0a) {
        if (lineHasContent) nonBlankLines += 1;
        lineHasContent = false;
      } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        lineHasContent = true;
      }
    }
  }
  if (lineHasContent) nonBlankLines += 1;
  return { path: filePath, name, size, sha256: hash.digest('hex'), nonBlankLines };
}
