/**
 * `npm run certify`: checks what mParticle would see from the local system, a deployed alias, every region
 * of a deployment, or the HTTP variant (certify/, docs/certify.md). Progress on stderr, the table (or
 * `--json`) on stdout; exit 0 only when every check passes.
 */
import { readFileSync } from 'node:fs';
import { parseCertifyArgs, USAGE } from '../certify/cli-args';
import { awsLambdaApi, localLambdaApi } from '../certify/lambda-api';
import { formatJson, formatTable, passed } from '../certify/report';
import { runCertify } from '../certify/run';
import { loadLocalIntegration } from '../local/integration-module';
import { UsageError } from '../local/errors';

async function main(): Promise<number> {
  const args = parseCertifyArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const results = await runCertify(args, {
    awsLambda: awsLambdaApi,
    localLambda: (endpoint) => localLambdaApi(endpoint, 'us-east-1'),
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    // The integration `npm start` runs (LOCAL_ENV.localIntegrationModule's, else lambda/integration).
    integration: loadLocalIntegration(process.env),
    progress: (line) => process.stderr.write(`certify: ${line}\n`),
  });
  process.stdout.write(args.json ? formatJson(results) : formatTable(results, process.stdout.columns ?? 160));
  return passed(results) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`certify: ${error.message}\n\n${USAGE}\n`);
      process.exit(64);
    }
    // Never a stack trace: it could carry request text. The message names what failed.
    process.stderr.write(`certify: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
