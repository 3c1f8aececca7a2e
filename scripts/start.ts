/**
 * `npm start`: the whole system on this machine (see local/local-system.ts). Ports and settings from env:
 * INVOKE_PORT (3001), HTTP_PORT (3002), PARTNER_PORT (3003), SQS_PORT (3004), FIREHOSE_TOKENS (local-token), PARTNER_API_URL (unset: a local stand-in),
 * AWS_REGION (us-east-1), LOG_LEVEL (WARN), and the functions' own knobs (DELIVERY_BUDGET_SECONDS, BACKOFF_BASE_MS, …).
 */
process.env['LOG_LEVEL'] ??= 'WARN';

import { LOCAL_ACCOUNT_ID, LOCAL_FUNCTION_NAMES, startLocalSystem } from '../local/local-system';

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    process.stderr.write(`${name} must be a port number\n`);
    process.exit(64);
  }
  return value;
};

async function main(): Promise<void> {
  const started = performance.now();
  const region = process.env['AWS_REGION'] ?? 'us-east-1';
  const system = await startLocalSystem({
    invokePort: port('INVOKE_PORT', 3001),
    httpPort: port('HTTP_PORT', 3002),
    partnerPort: port('PARTNER_PORT', 3003),
    sqsPort: port('SQS_PORT', 3004),
    region,
    ...(process.env['PARTNER_API_URL'] ? { partnerApiUrl: process.env['PARTNER_API_URL'] } : {}),
    env: process.env,
    onInvocation: (r) =>
      process.stdout.write(`invoke ${r.type} → ${r.outcome} in ${r.ms} ms${r.calls ? ` (${r.calls} partner call(s))` : ''}${r.error ? `: ${r.error}` : ''}\n`),
  });
  const arn = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${LOCAL_FUNCTION_NAMES.ingress}:live`;
  process.stdout.write(
    [
      `Firehose kit running locally (ready in ${Math.round(performance.now() - started)} ms); Ctrl-C to stop.`,
      `  Lambda Invoke API  ${system.invokeUrl}  functions: ${LOCAL_FUNCTION_NAMES.ingress}, ${LOCAL_FUNCTION_NAMES.worker} (or ${arn})`,
      `  HTTP variant       ${system.httpUrl}/firehose  (Authorization: Token ${system.functionEnv['FIREHOSE_TOKENS']?.split(',')[0] ?? ''})`,
      `  status page        ${system.invokeUrl}/_status  (JSON: /_status.json, redrive: POST /_redrive)`,
      `  partner API        ${system.partnerUrl}${system.partner ? '  (local stand-in; POST /_control {"status":503} to make it fail, {"status":200} to heal)' : ''}`,
      `  SQS (emulator)     ${system.sqsEndpoint}  queue ${system.queueUrl}`,
      `  dead-letter queue  ${system.deadLetterQueueUrl}`,
      '',
      'Try, in another terminal:',
      `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${region} aws lambda invoke --endpoint-url ${system.invokeUrl} --function-name ${LOCAL_FUNCTION_NAMES.ingress} --payload file://events/event-batch.json out.json && cat out.json`,
      '  (AWS CLI v2: add --cli-binary-format raw-in-base64-out)',
      `  curl -s -X POST ${system.httpUrl}/firehose -H 'Content-Type: application/json' -H 'Authorization: Token ${system.functionEnv['FIREHOSE_TOKENS']?.split(',')[0] ?? ''}' --data @events/event-batch.json`,
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
  process.stderr.write(`npm start failed: ${message}${/EADDRINUSE/.test(message) ? ' (a port is taken: set INVOKE_PORT, HTTP_PORT, PARTNER_PORT or SQS_PORT)' : ''}\n`);
  process.exit(1);
});
