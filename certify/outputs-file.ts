import { parseFunctionRef } from './lambda-api';

/**
 * Every region of a deployment, from `cdk deploy --outputs-file <file>`: one entry per stack, whose
 * `IngressAliasArn` output (lib/stack-outputs.ts) is what mParticle invokes, and `HttpEndpointUrl` when the
 * HTTP variant is on.
 */
export interface DeployedRegion {
  readonly stack: string;
  readonly region: string;
  readonly aliasArn: string;
  readonly httpUrl?: string;
}

export class OutputsFileError extends Error {
  override readonly name = 'OutputsFileError';
}

export function regionsFromOutputs(text: string): DeployedRegion[] {
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new OutputsFileError('the outputs file is not JSON (write it with `cdk deploy --outputs-file <file>`)');
  }
  if (typeof outputs !== 'object' || outputs === null)
    throw new OutputsFileError('the outputs file is not an object of stacks');
  const regions: DeployedRegion[] = [];
  for (const [stack, values] of Object.entries(outputs as Record<string, unknown>)) {
    const stackOutputs = (typeof values === 'object' && values !== null ? values : {}) as Record<string, unknown>;
    const aliasArn = stackOutputs['IngressAliasArn'];
    if (typeof aliasArn !== 'string') continue;
    const region = parseFunctionRef(aliasArn).region;
    if (!region) throw new OutputsFileError(`${stack}: IngressAliasArn is not a Lambda ARN`);
    const httpUrl = stackOutputs['HttpEndpointUrl'];
    regions.push({ stack, region, aliasArn, ...(typeof httpUrl === 'string' ? { httpUrl } : {}) });
  }
  if (regions.length === 0) throw new OutputsFileError('no stack in the outputs file has an IngressAliasArn output');
  return regions;
}
