import { parseArgs } from 'node:util';
import { UsageError } from '../local/errors';

/** `npm run certify` arguments. Exactly one target; the local system when none is given. */
export type CertifyTargetArgs =
  | { readonly kind: 'local'; readonly endpoint: string; readonly functionName: string }
  | {
      readonly kind: 'function';
      readonly ref: string;
      readonly region: string | undefined;
      readonly profile: string | undefined;
    }
  | {
      readonly kind: 'outputs';
      readonly file: string;
      readonly profile: string | undefined;
      readonly tokenEnv: string | undefined;
    }
  | {
      readonly kind: 'http';
      readonly url: string;
      readonly tokenEnv: string | undefined;
      readonly region: string | undefined;
    };

export interface CertifyArgs {
  readonly target: CertifyTargetArgs;
  readonly withData: boolean;
  readonly repeat: number;
  /** Overrides mParticle's budget (200 ms invoke, 100 ms HTTP), e.g. on a loaded laptop. */
  readonly budgetMs?: number;
  readonly json: boolean;
  readonly statusUrl: string | undefined;
  readonly settingsEnv: string | undefined;
  readonly help: boolean;
}

export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:3001';

export const USAGE = `usage: npm run certify -- [target] [options]

Checks, one by one, what mParticle would see from a Firehose endpoint of this kit.

Targets (one; default: the local system of \`npm start\`):
  --endpoint URL           the local Invoke API (default ${DEFAULT_LOCAL_ENDPOINT}), function firehose-ingress
  --function NAME|ARN      a deployed alias (e.g. the IngressAliasArn output); --region R unless in the ARN
  --outputs-file FILE      every region of \`cdk deploy --outputs-file FILE\` at once
  --url URL                the HTTP variant; --token-env NAME names the env var holding mParticle's token
AWS targets use your own credentials (environment, profile, SSO); --profile P picks a profile.

Options:
  --with-data              also send one message of every kind (account_id 0, source_id certify-…); locally,
                           check that the partner stand-in received them (--status-url for another system)
  --settings-env NAME      env var with the account settings (JSON) sent with the data (default: placeholders)
  --repeat N               calls in the latency series (default 20; the first is reported as the cold call)
  --budget-ms N            latency budget instead of mParticle's (200 ms invoke, 100 ms HTTP)
  --json                   JSON on stdout for CI instead of the table
  --help                   this text

Exit 0 when every check passes, 1 when one fails, 64 for usage errors. Details: docs/certify.md`;

export function parseCertifyArgs(argv: readonly string[]): CertifyArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        endpoint: { type: 'string' },
        function: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'outputs-file': { type: 'string' },
        url: { type: 'string' },
        'token-env': { type: 'string' },
        token: { type: 'string' },
        'with-data': { type: 'boolean', default: false },
        'settings-env': { type: 'string' },
        'status-url': { type: 'string' },
        repeat: { type: 'string', default: '20' },
        'budget-ms': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  // A token on the command line would land in shell history and `ps`.
  if (values.token !== undefined)
    throw new UsageError('--token is not accepted: put the token in an environment variable and pass --token-env NAME');
  const chosen = ['endpoint', 'function', 'outputs-file', 'url'].filter(
    (k) => values[k as keyof typeof values] !== undefined,
  );
  if (chosen.length > 1) throw new UsageError(`choose one target, not ${chosen.map((c) => `--${c}`).join(' and ')}`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 10_000)
    throw new UsageError('--repeat must be a whole number from 1 to 10000');
  const budgetMs = values['budget-ms'] === undefined ? undefined : Number(values['budget-ms']);
  if (budgetMs !== undefined && !(Number.isFinite(budgetMs) && budgetMs > 0))
    throw new UsageError('--budget-ms must be a positive number of milliseconds');

  let target: CertifyTargetArgs;
  if (values.function !== undefined)
    target = { kind: 'function', ref: values.function, region: values.region, profile: values.profile };
  else if (values['outputs-file'] !== undefined)
    target = { kind: 'outputs', file: values['outputs-file'], profile: values.profile, tokenEnv: values['token-env'] };
  else if (values.url !== undefined)
    target = { kind: 'http', url: values.url, tokenEnv: values['token-env'], region: values.region };
  // The local system's name for the ingress (LOCAL_FUNCTION_NAMES in local/local-system.ts, not imported:
  // that module sets dummy AWS credentials in the environment, which would hide the user's own).
  else
    target = { kind: 'local', endpoint: values.endpoint ?? DEFAULT_LOCAL_ENDPOINT, functionName: 'firehose-ingress' };
  if (target.kind === 'http') {
    try {
      new URL(target.url);
    } catch {
      throw new UsageError('--url is not a URL');
    }
  }
  return {
    target,
    withData: values['with-data'] ?? false,
    repeat,
    ...(budgetMs !== undefined ? { budgetMs } : {}),
    json: values.json ?? false,
    statusUrl: values['status-url'],
    settingsEnv: values['settings-env'],
    help: values.help ?? false,
  };
}
