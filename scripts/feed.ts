/**
 * `npm run feed -- --pod us1 <file.ndjson|dir>`: sends NDJSON Events API batches to mParticle.
 * The command lives in scripts/feed/, the feed logic in lambda/feeds; this file only wires the process (signals, exit code).
 */
import { runFeedCli } from './feed/feed-cli';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write('\nfeed: stopping after the requests in flight (Ctrl-C again to quit at once)\n');
  interrupt.abort();
});

/** The key and secret for `customers add` (piped from a password manager, or typed then Ctrl-D). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('feed: type the API key, Enter, the API secret, Enter, then Ctrl-D\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runFeedCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: interrupt.signal,
  readStdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`feed: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
