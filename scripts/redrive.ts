/**
 * `npm run redrive -- [--max N]`: moves dead-lettered deliveries back to the delivery queue.
 * Reads DELIVERY_QUEUE_URL and DEAD_LETTER_QUEUE_URL (and SQS_ENDPOINT for a local emulator), with the
 * usual AWS credentials and region.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { ENV } from '../lambda/delivery/defaults';
import { redrive } from '../lambda/delivery/redrive';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let max: number | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--max') {
      max = Number(args[++i]);
      if (!Number.isInteger(max) || max <= 0) fail('--max takes a positive whole number');
    } else {
      fail(`unknown argument ${args[i]}; usage: npm run redrive -- [--max N]`);
    }
  }
  const queueUrl = process.env[ENV.deliveryQueueUrl];
  const deadLetterQueueUrl = process.env[ENV.deadLetterQueueUrl];
  if (!queueUrl || !deadLetterQueueUrl) fail(`set ${ENV.deliveryQueueUrl} and ${ENV.deadLetterQueueUrl}`);
  const endpoint = process.env[ENV.sqsEndpoint];
  const sqs = new SQSClient(endpoint ? { endpoint } : {});
  const moved = await redrive({ sqs, queueUrl, deadLetterQueueUrl, ...(max === undefined ? {} : { max }) });
  process.stdout.write(`moved ${moved} message(s) from the dead-letter queue back to the delivery queue\n`);
  sqs.destroy();
}

main().catch((error: unknown) => fail(`redrive failed: ${error instanceof Error ? error.message : String(error)}`));
