import { DELIVERY_ENV, LOCAL_ENV, PLATFORM_ENV } from '../lambda/config/environment';
import { UsageError } from './errors';
import type { Env } from '../lambda/config/env-readers';

/**
 * Where `npm run redrive` moves messages: the running local system (its Invoke API's POST /_redrive), or a
 * pair of SQS queues, given directly, through the environment, or read from a deployed stack's outputs.
 */
export type RedriveTarget =
  | { readonly kind: 'local'; readonly invokeUrl: string }
  | {
      readonly kind: 'queues';
      readonly queueUrl: string;
      readonly deadLetterQueueUrl: string;
      readonly region?: string;
      readonly endpoint?: string;
    }
  | { readonly kind: 'stack'; readonly stackName: string; readonly region: string };

export interface RedriveOptions {
  readonly target: RedriveTarget;
  readonly max?: number;
}

export const STACK_PREFIX = 'MparticleFirehose';
export const DEFAULT_INVOKE_PORT = 3001;

export const REDRIVE_USAGE = `
usage: npm run redrive -- [target] [--max N]

Moves parked messages from the dead-letter queue back to the delivery queue (bodies unchanged, secrets
stay sealed), only those parked before it began, then ends; messages that can never be opened (claim-check
object gone, settings that do not decrypt) are listed and left parked. Target, first match wins:
  --queue-url URL --dlq-url URL   these two queues (with --region R, or ${PLATFORM_ENV.awsRegion}; --endpoint URL for an emulator)
  --stack NAME [--region R]       the DeliveryQueueUrl / DeadLetterQueueUrl outputs of a deployed stack
  --region R                      the stack ${STACK_PREFIX}-R
  ${DELIVERY_ENV.deliveryQueueUrl} and ${DELIVERY_ENV.deadLetterQueueUrl} in the environment (and ${LOCAL_ENV.sqsEndpoint})
  --local [URL]                   the system \`npm start\` runs (default http://127.0.0.1:${DEFAULT_INVOKE_PORT}, or ${LOCAL_ENV.invokePort})
  nothing                         the same as --local
AWS targets use your usual AWS credentials.
  --max N                         move at most N messages
  --help                          this text
Exit codes: 0 done, 2 failed, 64 usage.
`;

export function parseRedriveArgs(args: readonly string[], env: Env): RedriveOptions {
  const flags = new Map<string, string | undefined>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!['--max', '--queue-url', '--dlq-url', '--stack', '--region', '--endpoint', '--local'].includes(arg)) {
      throw new UsageError(`unknown argument ${arg}`);
    }
    const next = args[i + 1];
    const value = next !== undefined && !next.startsWith('--') ? next : undefined;
    if (value !== undefined) i++;
    else if (arg !== '--local') throw new UsageError(`${arg} needs a value`);
    flags.set(arg, value);
  }
  const max = flags.has('--max') ? Number(flags.get('--max')) : undefined;
  if (max !== undefined && (!Number.isInteger(max) || max <= 0))
    throw new UsageError('--max takes a positive whole number');
  const region = flags.get('--region') ?? env[PLATFORM_ENV.awsRegion] ?? env[PLATFORM_ENV.awsDefaultRegion];
  const withMax = (target: RedriveTarget): RedriveOptions => (max === undefined ? { target } : { target, max });

  const queueUrl = flags.get('--queue-url');
  const dlqUrl = flags.get('--dlq-url');
  if (queueUrl !== undefined || dlqUrl !== undefined) {
    if (!queueUrl || !dlqUrl) throw new UsageError('--queue-url and --dlq-url go together');
    const endpoint = flags.get('--endpoint');
    return withMax({
      kind: 'queues',
      queueUrl,
      deadLetterQueueUrl: dlqUrl,
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
  }
  const stack = flags.get('--stack');
  if (stack !== undefined || flags.has('--region')) {
    if (!region) throw new UsageError(`--stack needs a region: --region R or ${PLATFORM_ENV.awsRegion}`);
    return withMax({ kind: 'stack', stackName: stack ?? `${STACK_PREFIX}-${region}`, region });
  }
  const envQueue = env[DELIVERY_ENV.deliveryQueueUrl];
  const envDlq = env[DELIVERY_ENV.deadLetterQueueUrl];
  if (!flags.has('--local') && envQueue && envDlq) {
    const endpoint = env[LOCAL_ENV.sqsEndpoint];
    return withMax({
      kind: 'queues',
      queueUrl: envQueue,
      deadLetterQueueUrl: envDlq,
      region: region ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
    });
  }
  const invokeUrl = flags.get('--local') ?? `http://127.0.0.1:${env[LOCAL_ENV.invokePort] || DEFAULT_INVOKE_PORT}`;
  return withMax({ kind: 'local', invokeUrl: invokeUrl.replace(/\/+$/, '') });
}

/** The queue URLs among a stack's outputs (lib/stack-outputs.ts names them). */
export function queuesFromOutputs(
  stackName: string,
  outputs: readonly { OutputKey?: string; OutputValue?: string }[],
): { queueUrl: string; deadLetterQueueUrl: string } {
  const value = (key: string): string => {
    const found = outputs.find((o) => o.OutputKey === key)?.OutputValue;
    if (!found) throw new UsageError(`stack ${stackName} has no ${key} output; is it a stack of this kit?`);
    return found;
  };
  return { queueUrl: value('DeliveryQueueUrl'), deadLetterQueueUrl: value('DeadLetterQueueUrl') };
}
