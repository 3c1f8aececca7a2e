/**
 * `npm start`: the whole system on this machine (see local/local-system.ts). Ports and settings from env:
 * LOCAL_ENV.invokePort (3001), LOCAL_ENV.httpPort (3002), LOCAL_ENV.partnerPort (3003), LOCAL_ENV.sqsPort (3004), LOCAL_ENV.bindHost (127.0.0.1), TOKEN_ENV.tokens (local-token),
 * DELIVERY_ENV.partnerApiUrl (unset: a local stand-in), LOCAL_ENV.localIntegrationModule (unset: lambda/integration), PLATFORM_ENV.awsRegion (us-east-1),
 * FUNCTION_ENV.logLevel (WARN), and the functions' own knobs (DELIVERY_ENV.deliveryBudgetSeconds, DELIVERY_ENV.backoffBaseMs, …).
 */
process.env[FUNCTION_ENV.logLevel] ??= 'WARN';

import path from 'node:path';
import { answerHelp } from '../local/cli-help';
import { LOCAL_ACCOUNT_ID, LOCAL_FUNCTION_NAMES, startLocalSystem } from '../local/local-system';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV, PLATFORM_ENV, TOKEN_ENV } from '../lambda/config/environment';
import { readPort } from '../lambda/config/env-readers';
import { errorMessage } from '../lambda/common/errors';

answerHelp(`
usage: npm start

Runs the whole system on this machine: a Lambda Invoke API with the ingress and worker functions, the
HTTP variant, the SQS emulator with the delivery queue and its dead-letter queue, the worker polling it,
a partner API stand-in and a status page. Edits under lambda/ are picked up without a restart.
Settings (environment): ${LOCAL_ENV.invokePort} (3001), ${LOCAL_ENV.httpPort} (3002), ${LOCAL_ENV.partnerPort} (3003), ${LOCAL_ENV.sqsPort} (3004),
${LOCAL_ENV.bindHost} (127.0.0.1: loopback only), ${TOKEN_ENV.tokens} (local-token), ${DELIVERY_ENV.partnerApiUrl} (unset: the stand-in),
${LOCAL_ENV.localIntegrationModule} (a module exporting \`integration\`, instead of lambda/integration),
${FUNCTION_ENV.logLevel} (WARN), and the functions' knobs (${DELIVERY_ENV.deliveryBudgetSeconds}, ${DELIVERY_ENV.backoffBaseMs}, ${DELIVERY_ENV.inlineDeadlineMs}, …).
`);

const port = (name: string, fallback: number): number => {
  try {
    return readPort(process.env, name, fallback);
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    process.exit(64);
  }
};

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const region = process.env[PLATFORM_ENV.awsRegion] ?? 'us-east-1';
  const root = path.resolve(__dirname, '..');
  const integrationModule = process.env[LOCAL_ENV.localIntegrationModule];
  const system = await startLocalSystem({
    invokePort: port(LOCAL_ENV.invokePort, 3001),
    httpPort: port(LOCAL_ENV.httpPort, 3002),
    partnerPort: port(LOCAL_ENV.partnerPort, 3003),
    sqsPort: port(LOCAL_ENV.sqsPort, 3004),
    region,
    ...(process.env[LOCAL_ENV.bindHost] ? { host: process.env[LOCAL_ENV.bindHost] } : {}),
    ...(process.env[DELIVERY_ENV.partnerApiUrl] ? { partnerApiUrl: process.env[DELIVERY_ENV.partnerApiUrl] } : {}),
    env: process.env,
    reload: { lambdaFolder: path.join(root, 'lambda') },
    ...(integrationModule
      ? { integrationModule: path.resolve(process.env[PLATFORM_ENV.initCwd] ?? process.cwd(), integrationModule) }
      : {}),
    listener: {
      invocation: (r) =>
        say(
          `invoke ${r.type} → ${r.outcome} in ${r.ms} ms${r.calls ? ` (${r.calls} partner call(s))` : ''}${r.error ? `: ${r.error}` : ''}`,
        ),
      refused: (r) => say(`http ${r.method} ${r.path} → refused ${r.status}${r.reason ? `: ${r.reason}` : ''}`),
      activity: say,
    },
  });
  const arn = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${LOCAL_FUNCTION_NAMES.ingress}:live`;
  const token = system.functionEnv[TOKEN_ENV.tokens]?.split(',')[0] ?? '';
  const watched = system.watching
    .map((f) => (path.relative(root, f).startsWith('..') ? f : path.relative(root, f)))
    .join(', ');
  say(
    [
      `Firehose kit running locally (ready in ${Math.round(performance.now() - started)} ms); Ctrl-C to stop.`,
      `  Lambda Invoke API  ${system.invokeUrl}  functions: ${LOCAL_FUNCTION_NAMES.ingress}, ${LOCAL_FUNCTION_NAMES.worker} (or ${arn})`,
      `  HTTP variant       ${system.httpUrl}/firehose  (Authorization: Token ${token})`,
      `  status page        ${system.invokeUrl}/_status  (JSON: /_status.json, redrive: POST /_redrive or npm run redrive)`,
      `  partner API        ${system.partnerUrl}${system.partner ? '  (local stand-in; POST /_control {"status":503} to make it fail, {"status":200} to heal)' : ''}`,
      `  SQS (emulator)     ${system.sqsEndpoint}  queue ${system.queueUrl}`,
      `  dead-letter queue  ${system.deadLetterQueueUrl}`,
      `  feed customers     Secrets Manager stand-in ${system.secretsManager.endpoint}, Events API stand-in ${system.eventsApi.baseUrl} (docs/feeds.md)`,
      `    export AWS_ENDPOINT_URL_SECRETS_MANAGER=${system.secretsManager.endpoint} ${PLATFORM_ENV.awsRegion}=${region} ${PLATFORM_ENV.awsAccessKeyId}=local ${PLATFORM_ENV.awsSecretAccessKey}=local; npm run feed -- customers add acme --base-url ${system.eventsApi.baseUrl}`,
      `  reloading          the functions when a file under ${watched} changes (queues, DLQ and status page are kept)`,
      '',
      "This terminal shows each invocation, refused HTTP call, the worker's deliveries, retries and parks in the DLQ, redrives and reloads.",
      'Try, in another terminal:',
      `  ${PLATFORM_ENV.awsAccessKeyId}=local ${PLATFORM_ENV.awsSecretAccessKey}=local ${PLATFORM_ENV.awsDefaultRegion}=${region} aws lambda invoke --endpoint-url ${system.invokeUrl} --function-name ${LOCAL_FUNCTION_NAMES.ingress} --payload file://events/event-batch.json out.json && cat out.json`,
      '  (AWS CLI v2: add --cli-binary-format raw-in-base64-out)',
      `  curl -s -X POST ${system.httpUrl}/firehose -H 'Content-Type: application/json' -H 'Authorization: Token ${token}' --data @events/event-batch.json`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    system.stop().then(
      () => {
        process.stdout.write('stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `npm start failed: ${message}${/EADDRINUSE/.test(message) ? ` (a port is taken: set ${LOCAL_ENV.invokePort}, ${LOCAL_ENV.httpPort}, ${LOCAL_ENV.partnerPort} or ${LOCAL_ENV.sqsPort})` : ''}\n`,
  );
  process.exit(1);
});
