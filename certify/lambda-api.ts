import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  type GetFunctionConfigurationCommandInput,
  type GetFunctionConfigurationCommandOutput,
  type GetPolicyCommandInput,
  type GetPolicyCommandOutput,
  type InvokeCommandInput,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';

/**
 * The three Lambda operations certify uses. Behind an interface so tests inject a fake AWS (no account
 * here) while the CLI passes a real client built with the user's own credentials and profile.
 */
export interface LambdaApi {
  invoke(input: InvokeCommandInput): Promise<InvokeCommandOutput>;
  getPolicy(input: GetPolicyCommandInput): Promise<GetPolicyCommandOutput>;
  getFunctionConfiguration(input: GetFunctionConfigurationCommandInput): Promise<GetFunctionConfigurationCommandOutput>;
  close(): void;
}

export function lambdaApi(client: LambdaClient): LambdaApi {
  return {
    invoke: (input) => client.send(new InvokeCommand(input)),
    getPolicy: (input) => client.send(new GetPolicyCommand(input)),
    getFunctionConfiguration: (input) => client.send(new GetFunctionConfigurationCommand(input)),
    close: () => client.destroy(),
  };
}

/** A client for one region, from the default credential chain (env, profile, SSO, …) or a named profile. */
export function awsLambdaApi(region: string, profile?: string): LambdaApi {
  return lambdaApi(new LambdaClient({ region, ...(profile ? { profile } : {}), maxAttempts: 2 }));
}

/** A client for the local system's Invoke API; the credentials are dummies the local endpoint ignores. */
export function localLambdaApi(endpoint: string, region: string): LambdaApi {
  return lambdaApi(
    new LambdaClient({
      endpoint,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
  );
}

/** `name`, `name:alias` or a (qualified) ARN → its parts. The region comes from an ARN when it has one. */
export function parseFunctionRef(ref: string): { name: string; qualifier?: string; region?: string; account?: string } {
  const arn = /^arn:aws[\w-]*:lambda:([^:]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/.exec(ref);
  if (arn)
    return {
      name: arn[3] as string,
      region: arn[1] as string,
      account: arn[2] as string,
      ...(arn[4] ? { qualifier: arn[4] } : {}),
    };
  const [name, qualifier] = ref.split(':');
  return { name: name ?? ref, ...(qualifier ? { qualifier } : {}) };
}
