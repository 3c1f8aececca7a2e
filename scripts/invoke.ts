/**
 * `npm run invoke -- <file.json>`: runs the ingress pipeline in-process on one Firehose message.
 * Contract: success → exit 0 and exactly one JSON object (the response) on stdout, logs on stderr;
 * bad input → exit 1, a short message naming the field on stderr, nothing on stdout, no stack trace.
 */
import { readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DELIVERY_ENV, LOCAL_ENV, PLATFORM_ENV } from '../lambda/config/environment';
import { loadLocalIntegration, localIntegrationFolder } from '../local/integration-module';
import { typeCheckIntegration } from '../local/typecheck-integration';

// Everything but the response goes to stderr, whatever writes it (loggers, libraries).
const writeStdout = (text: string): void => void writeSync(1, text);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const USAGE = `usage: npm run invoke -- <firehose-message.json>

Runs the ingress on one Firehose message in this process and prints the response mParticle would get on
stdout (logs on stderr). Without ${DELIVERY_ENV.partnerApiUrl} and ${DELIVERY_ENV.deliveryQueueUrl} it is a dry run: the partner calls
are logged, not sent. The integration (lambda/integration, or ${LOCAL_ENV.localIntegrationModule}) is type-checked first.
Exit codes: 0 response printed; 1 not a valid Firehose request (the field or the line and column named);
2 delivery failed; 3 a bug in the integration's code (it does not type-check, does not compile, or throws);
64 usage.`;

const EXIT_BAD_INPUT = 1;
const EXIT_FAILED = 2;
/** The integration's own code is wrong: it does not type-check, or it threw (e.g. a TypeError in a mapping). */
const EXIT_MAPPING = 3;
const EXIT_USAGE = 64;

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === '--help' || file === '-h') {
    writeStdout(`${USAGE}\n`);
    process.exit(0);
  }
  if (!file) fail(EXIT_USAGE, USAGE);
  // npm runs scripts from the project root; resolve relative paths from where the user typed the command.
  const fullPath = path.resolve(process.env[PLATFORM_ENV.initCwd] ?? process.cwd(), file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(fullPath);
  } catch (error) {
    fail(EXIT_USAGE, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }

  // A misspelled field must fail here, where the partner works, not run and send nothing for it.
  const typeErrors = await typeCheckIntegration(localIntegrationFolder(process.env));
  if (typeErrors) fail(EXIT_MAPPING, typeErrors);

  // LOCAL_INTEGRATION_MODULE: a module exporting `integration` to run instead of lambda/integration, resolved
  // from where the command was typed, as for the type check above and the other local tools.
  const integrationModule = process.env[LOCAL_ENV.localIntegrationModule];
  const integrationFolders = [
    path.resolve(__dirname, '../lambda/integration') + path.sep,
    ...(integrationModule ? [localIntegrationFolder(process.env) + path.sep] : []),
  ];
  let ingress: import('../lambda/composition/ingress-function').IngressFunction;
  try {
    const { createIngressFunction } = await import('../lambda/composition/ingress-function');
    const { createLogger } = await import('../lambda/observability/logger');
    const integration = integrationModule ? loadLocalIntegration(process.env) : undefined;
    ingress = createIngressFunction({
      env: process.env,
      logger: createLogger('firehose-ingress'),
      service: 'firehose-ingress',
      ...(integration ? { integration } : {}),
    });
  } catch (error) {
    // The integration's code does not load (a syntax error in mapping.ts): a bug in that code, as at run time.
    const where = mappingFrame(error, integrationFolders);
    if (where) fail(EXIT_MAPPING, `mapping error at ${where}: ${describeLoadError(error)}`);
    throw error;
  }
  process.stderr.write(`${ingress.description}\n`);
  try {
    // Raw bytes, not a parsed object: the pipeline then reads 64-bit integers losslessly.
    const { response } = await ingress.handle(bytes);
    writeStdout(`${JSON.stringify(response, null, 2)}\n`);
  } catch (error) {
    const { FirehoseInputError } = await import('../lambda/firehose');
    if (error instanceof FirehoseInputError) fail(EXIT_BAD_INPUT, `invalid request: ${error.message}`);
    const where = mappingFrame(error, integrationFolders);
    if (where)
      fail(
        EXIT_MAPPING,
        `mapping error at ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    fail(EXIT_FAILED, `failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await ingress.close();
  }
}

/**
 * `lambda/integration/mapping.ts:42:13` when the error was thrown by the integration's own code (a stack
 * frame in one of `folders`), else undefined: a mapping bug, not a delivery failure.
 */
function mappingFrame(error: unknown, folders: readonly string[]): string | undefined {
  if (!(error instanceof Error) || error.name === 'SettingError') return undefined;
  // A file that does not compile: the transform names it in the message's lines ("file:line:col: ERROR: …").
  const lines = [...error.message.split('\n'), ...(error.stack ?? '').split('\n').slice(1)];
  for (const line of lines) {
    const location = /([^\s()]+:\d+:\d+)(?:\)?$|: ERROR: )/.exec(line.trim())?.[1]?.replace(/^file:\/\//, '');
    if (location && folders.some((folder) => location.startsWith(folder))) {
      return location.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), location) : location;
    }
  }
  return undefined;
}

/** `SyntaxError: Expected "}" but found ";"` for a file that does not compile, else the error's own name and message. */
function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const compile = /:\d+:\d+: ERROR: (.*)$/m.exec(error.message)?.[1];
  return compile === undefined ? `${error.name}: ${error.message}` : `SyntaxError: ${compile}`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(EXIT_FAILED, `failed: ${error instanceof Error ? error.message : String(error)}`),
);
