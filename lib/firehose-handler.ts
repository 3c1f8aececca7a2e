import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HandlerEntries } from './firehose-integration-props';
import { createKitFunction, PROJECT_ROOT } from './kit-function';
import { FUNCTION_DEFAULTS } from './function-defaults';

/** The alias mParticle is given; versions behind it change, the ARN does not. */
export const LIVE_ALIAS = 'live';

/** What every Firehose function of one integration shares. */
export interface HandlerSettings {
  readonly handlerEntries: HandlerEntries;
  readonly logRetention: logs.RetentionDays;
}

export interface FirehoseHandlerOptions {
  readonly handler: keyof HandlerEntries;
  /** The entry file in lambda/handlers/ when the user gives none; @default `<handler>.ts` */
  readonly entryFile?: string;
  /** Bundle as an ES module (lib/kit-function.ts). */
  readonly esModule?: boolean;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** Bundle the pinned AWS SDK (true) or use the Lambda runtime's copy (false): see lib/kit-function.ts. */
  readonly bundleAwsSdk: boolean;
  /** Ship the runtime loop and its exec wrapper in the bundle. */
  readonly runtimeLoop?: boolean;
  /** The user's props for this function (`<handler>FunctionProps`). */
  readonly overrides?: Partial<NodejsFunctionProps> | undefined;
}

/** One of the kit's functions (lib/kit-function.ts) in `scope`, its props merged over the defaults given here. */
export function createFirehoseHandler(
  scope: Construct,
  id: string,
  settings: HandlerSettings,
  options: FirehoseHandlerOptions,
): { fn: NodejsFunction; logGroup: logs.LogGroup } {
  const { fn, logGroup } = createKitFunction(scope, id, {
    entry:
      settings.handlerEntries[options.handler] ??
      path.join(PROJECT_ROOT, 'lambda', 'handlers', options.entryFile ?? `${options.handler}.ts`),
    // mParticle's recommendation (docs/firehose-protocol.md, "Deployment"): memory buys CPU, which cuts latency. The worker
    // keeps the same size so both behave alike under load.
    defaults: {
      memorySize: FUNCTION_DEFAULTS.memoryMb,
      timeout: options.timeout,
      description: options.description,
      environment: options.environment,
    },
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    propsName: `${options.handler}FunctionProps`,
    logRetention: settings.logRetention,
    roleDescription: `Execution role of the ${id} function`,
    bundleAwsSdk: options.bundleAwsSdk,
    ...(options.runtimeLoop === true ? { runtimeLoop: true } : {}),
    ...(options.esModule === true ? { esModule: true } : {}),
    // The functions mParticle waits on; the worker's latency nobody sees.
    ...(options.handler === 'worker' ? {} : { recommendedMinMemoryMb: FUNCTION_DEFAULTS.memoryMb }),
  });
  return { fn, logGroup };
}

/**
 * The ingress function's `live` alias (`IngressAlias` in `scope`), the ARN given to mParticle, with its invoke
 * permissions: one statement per account with its own id, and only on the alias, because that is what mParticle calls.
 */
export function createIngressAlias(
  scope: Construct,
  fn: lambda.Function,
  accounts: readonly string[],
  provisionedConcurrency: number | undefined,
): lambda.Alias {
  const alias = new lambda.Alias(scope, 'IngressAlias', {
    aliasName: LIVE_ALIAS,
    version: fn.currentVersion,
    description: 'The ARN registered with mParticle',
    ...(provisionedConcurrency ? { provisionedConcurrentExecutions: provisionedConcurrency } : {}),
  });
  for (const account of accounts) {
    alias.addPermission(`MparticleInvoke${account}`, {
      principal: new iam.AccountPrincipal(account),
      action: 'lambda:InvokeFunction',
    });
  }
  return alias;
}
