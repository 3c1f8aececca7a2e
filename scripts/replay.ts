/**
 * `npm run replay -- <folder | s3://bucket/prefix> [--account N] [--since 6h|ISO] [--invoke-url URL] [--json]`:
 * runs captured Firehose requests (docs/capture-and-replay.md) through this working tree's code, as a dry
 * run by default, and says for each whether the answer and the partner calls are what they were when it
 * was captured. Exit 0 when all are the same, 1 when any differs, 64 for usage.
 */
import { readCaptures, parseSince } from '../local/replay/capture-source';
import { replayRecords } from '../local/replay/replay-records';
import { dryRunTarget, invokeApiTarget } from '../local/replay/replay-targets';

const USAGE = `usage: npm run replay -- <folder | s3://bucket/prefix> [options]
  --account N        only requests of this mParticle account
  --since T          only requests captured after T: an ISO time or 90m / 6h / 2d back from now
  --invoke-url URL   send to a running system's Lambda Invoke API (npm start: http://127.0.0.1:3001)
                     instead of the in-process dry run (answers are compared, calls are not)
  --s3-endpoint URL  an S3 emulator instead of AWS (AWS: your usual credentials, profile and region)
  --json             one JSON document on stdout instead of lines`;

function usage(message?: string): never {
  if (message === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(64);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const options: {
    source?: string;
    account?: number;
    since?: number;
    invokeUrl?: string;
    s3Endpoint?: string;
    json: boolean;
  } = { json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => args[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--help' || arg === '-h') usage();
    else if (arg === '--account') options.account = Number(value());
    else if (arg === '--since') options.since = parseSince(value());
    else if (arg === '--invoke-url') options.invokeUrl = value();
    else if (arg === '--s3-endpoint') options.s3Endpoint = value();
    else if (arg === '--json') options.json = true;
    else if (arg.startsWith('--') || options.source !== undefined) usage(`unknown argument ${arg}`);
    else options.source = arg;
  }
  if (options.source === undefined) usage('name a folder or an S3 prefix of captured requests');
  if (options.account !== undefined && !Number.isInteger(options.account)) usage('--account takes a whole number');

  const records = (
    await readCaptures(options.source, options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {})
  ).filter(
    (r) =>
      (options.account === undefined || r.accountId === options.account) &&
      (options.since === undefined || Date.parse(r.capturedAt) >= options.since),
  );
  const target = options.invokeUrl ? invokeApiTarget(options.invokeUrl) : dryRunTarget();
  const results = await replayRecords(records, target);
  const differing = results.filter((r) => !r.same).length;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ replayed: results.length, differing, results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(
        `${r.same ? 'same   ' : 'DIFFERS'} ${r.capturedAt} ${r.type ?? '(rejected)'} ${r.requestId ?? ''}${r.same ? '' : `: ${r.differences.join('; ')}`}\n`,
      );
    }
    process.stdout.write(`${results.length} replayed, ${differing} differ\n`);
  }
  return differing === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
