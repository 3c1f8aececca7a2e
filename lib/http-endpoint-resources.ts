import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DELIVERY_ENV, PLATFORM_ENV, TOKEN_ENV } from '../lambda/config/environment';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { createFirehoseHandler, type HandlerSettings, LIVE_ALIAS } from './firehose-handler';
import { type DeliveryResources, grantFrontDoor } from './function-grants';
import { createFirehoseTokenSecret } from './manually-set-secrets';
import { SERVICE_NAMES } from './metrics';
import { FUNCTION_DEFAULTS } from './function-defaults';

export interface HttpEndpointResources {
  readonly fn: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly alias: lambda.Alias;
  readonly functionUrl: lambda.FunctionUrl;
  readonly tokenSecret: secretsmanager.Secret;
}

export interface HttpEndpointOptions {
  readonly handlerSettings: HandlerSettings;
  /** The variables every Firehose function gets (lib/function-environment.ts). */
  readonly sharedEnvironment: Record<string, string>;
  /** The queues, key, bucket and credential the front door is granted. */
  readonly delivery: DeliveryResources;
  /** The user's `httpFunctionProps`. */
  readonly overrides?: Partial<NodejsFunctionProps> | undefined;
}

/**
 * The HTTP variant in `scope`: the secret for mParticle's token (`FirehoseTokenSecret`), the `Http` function
 * with the front door's grants, its `live` alias (`HttpAlias`) and the Function URL on that alias.
 */
export function createHttpEndpoint(scope: Construct, options: HttpEndpointOptions): HttpEndpointResources {
  const tokenSecret = createFirehoseTokenSecret(scope);
  const { fn, logGroup } = createFirehoseHandler(scope, 'Http', options.handlerSettings, {
    handler: 'http',
    // An ES module whose init waits for the warm-up: the first request of a container then does not.
    entryFile: 'http-esm.ts',
    esModule: true,
    description: 'mParticle Firehose HTTP endpoint (Function URL): same messages as the ingress function',
    timeout: FUNCTION_DEFAULTS.httpTimeout,
    environment: {
      ...options.sharedEnvironment,
      [PLATFORM_ENV.serviceName]: SERVICE_NAMES.http,
      [TOKEN_ENV.secretArn]: tokenSecret.secretArn,
      [DELIVERY_ENV.httpInlineDeadlineMs]: String(DELIVERY_DEFAULTS.httpInlineDeadlineMs), // mParticle: HTTP answers < 100 ms
    },
    bundleAwsSdk: false,
    overrides: options.overrides,
  });
  grantFrontDoor(fn, options.delivery);
  tokenSecret.grantRead(fn);
  const alias = new lambda.Alias(scope, 'HttpAlias', {
    aliasName: LIVE_ALIAS,
    version: fn.currentVersion,
    description: 'The version behind the Function URL registered with mParticle',
  });
  // AuthType NONE: mParticle cannot sign SigV4 requests; the function checks its Token header instead.
  const functionUrl = alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  return { fn, logGroup, alias, functionUrl, tokenSecret };
}
