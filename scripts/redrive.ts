/**
 * `npm run redrive -- [target] [--max N]`: moves dead-lettered deliveries back to the delivery queue, in the
 * running local system (the default) or in AWS (queue URLs, env, or a stack's outputs). See --help.
 */
import { answerHelp } from '../local/cli-help';
import { parseRedriveArgs, REDRIVE_USAGE } from '../local/redrive-target';
import { describeRedrive, runRedrive } from '../local/run-redrive';
import { UsageError } from '../local/errors';

const EXIT_FAILED = 2;
const EXIT_USAGE = 64;

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  answerHelp(REDRIVE_USAGE);
  const options = parseRedriveArgs(process.argv.slice(2), process.env);
  const report = await runRedrive(options);
  process.stdout.write(`${describeRedrive(report).join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) fail(EXIT_USAGE, `redrive: ${error.message}; see npm run redrive -- --help`);
  fail(EXIT_FAILED, `redrive failed: ${error instanceof Error ? error.message : String(error)}`);
});
