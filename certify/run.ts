import { randomBytes } from 'node:crypto';
import type { PartnerIntegration } from '../lambda/core/partner-integration';
import { allAccountSettings } from '../lambda/firehose';
import { certifyTarget, type CertifyOptions } from './certify-target';
import type { CertifyArgs } from './cli-args';
import { deploymentChecks } from './deployment-checks';
import { httpTarget } from './http-target';
import { invokeTarget } from './invoke-target';
import { parseFunctionRef, type LambdaApi } from './lambda-api';
import { regionsFromOutputs } from './outputs-file';
import { statusPageDeliveries } from './partner-receipts';
import { redactor } from './redact';
import type { CheckResult, Target } from './types';
import { UsageError } from '../local/errors';

/**
 * From parsed arguments to check results: builds the targets (one per region), runs them all at once, and
 * scrubs every line of the result of credentials. AWS and the environment come in as dependencies.
 */
export interface CertifyDependencies {
  /** A Lambda API for a region, with the user's credentials (or an injected fake in tests). */
  readonly awsLambda: (region: string, profile: string | undefined) => LambdaApi;
  readonly localLambda: (endpoint: string) => LambdaApi;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
  /**
   * The integration in this checkout (or LOCAL_ENV.localIntegrationModule's, as `npm start` runs it): its registration
   * spots a stale deployment, its mappings say which messages reach the partner.
   */
  readonly integration: PartnerIntegration;
  readonly progress?: (line: string) => void;
  readonly receiptTimeoutMs?: number;
}

interface Plan {
  readonly target: Target;
  readonly alias?: { api: LambdaApi; name: string; qualifier: string | undefined; region: string; label: string };
}

export async function runCertify(args: CertifyArgs, deps: CertifyDependencies): Promise<CheckResult[]> {
  const token = tokenFrom(args, deps.env);
  const settings = accountSettings(args, deps);
  const apis: LambdaApi[] = [];
  const api = (make: () => LambdaApi): LambdaApi => {
    const made = make();
    apis.push(made);
    return made;
  };
  const plans = buildPlans(args, deps, token, api);
  const base: CertifyOptions = {
    runId: `${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`,
    canary: `certify-canary-${randomBytes(8).toString('hex')}`,
    accountSettings: settings,
    repeat: args.repeat,
    withData: args.withData,
    localIntegration: deps.integration,
    ...(deps.progress ? { progress: deps.progress } : {}),
    ...(deps.receiptTimeoutMs !== undefined ? { receiptTimeoutMs: deps.receiptTimeoutMs } : {}),
  };
  const statusUrl =
    args.statusUrl ??
    (args.target.kind === 'local' ? `${args.target.endpoint.replace(/\/$/, '')}/_status.json` : undefined);
  const options: CertifyOptions =
    args.withData && statusUrl ? { ...base, deliveries: statusPageDeliveries(statusUrl) } : base;
  try {
    const perTarget = await Promise.all(
      plans.map(async (plan) => {
        const target = args.budgetMs === undefined ? plan.target : { ...plan.target, budgetMs: args.budgetMs };
        return [
          ...(plan.alias ? await deploymentChecks(plan.alias.api, plan.alias) : []),
          ...(await certifyTarget(target, options)),
        ];
      }),
    );
    const scrub = redactor([token, ...secretLookingEnv(deps.env), ...Object.values(settings)]);
    return perTarget.flat().map((r) => ({ ...r, detail: scrub(r.detail), target: scrub(r.target) }));
  } finally {
    for (const made of apis) made.close();
  }
}

function buildPlans(
  args: CertifyArgs,
  deps: CertifyDependencies,
  token: string | undefined,
  api: (make: () => LambdaApi) => LambdaApi,
): Plan[] {
  const target = args.target;
  const deployed = (ref: string, regionArg: string | undefined, profile: string | undefined): Plan => {
    const parts = parseFunctionRef(ref);
    const region = parts.region ?? regionArg;
    if (!region) throw new UsageError('--region is required unless --function is an ARN');
    const lambda = api(() => deps.awsLambda(region, profile));
    return {
      target: invokeTarget({ api: lambda, functionName: ref, region, label: ref, tailLogs: true }),
      alias: { api: lambda, name: parts.name, qualifier: parts.qualifier, region, label: ref },
    };
  };
  switch (target.kind) {
    case 'local':
      return [
        {
          target: invokeTarget({
            api: api(() => deps.localLambda(target.endpoint)),
            functionName: target.functionName,
            region: 'local',
            label: `${target.functionName} at ${target.endpoint}`,
          }),
        },
      ];
    case 'function':
      return [deployed(target.ref, target.region, target.profile)];
    case 'http':
      return [{ target: httpTarget({ url: target.url, token, region: target.region ?? regionOfUrl(target.url) }) }];
    case 'outputs':
      return regionsFromOutputs(deps.readFile(target.file)).flatMap((r) => [
        deployed(r.aliasArn, r.region, target.profile),
        ...(r.httpUrl && token !== undefined
          ? [{ target: httpTarget({ url: r.httpUrl, token, region: r.region }) }]
          : []),
      ]);
  }
}

function tokenFrom(args: CertifyArgs, env: CertifyDependencies['env']): string | undefined {
  const name = args.target.kind === 'http' || args.target.kind === 'outputs' ? args.target.tokenEnv : undefined;
  if (name === undefined) {
    if (args.target.kind === 'http')
      throw new UsageError('--url needs --token-env NAME (the environment variable holding the token)');
    return undefined;
  }
  const token = env[name];
  if (!token) throw new UsageError(`the environment variable ${name} (--token-env) is not set`);
  return token;
}

/** The settings sent in `account`: from --settings-env (JSON), else a placeholder for each required setting. */
function accountSettings(args: CertifyArgs, deps: CertifyDependencies): Record<string, string> {
  if (args.settingsEnv !== undefined) {
    const text = deps.env[args.settingsEnv];
    if (!text) throw new UsageError(`the environment variable ${args.settingsEnv} (--settings-env) is not set`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UsageError(`${args.settingsEnv} must hold a JSON object of setting id → string`);
    }
    if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) {
      throw new UsageError(`${args.settingsEnv} must hold a JSON object of setting id → string`);
    }
    return value as Record<string, string>;
  }
  const required = allAccountSettings(deps.integration.registration).filter((s) => s.type !== 'boolean' && s.required);
  return Object.fromEntries(required.map((s) => [s.id, 'certify-placeholder']));
}

/** `https://x.lambda-url.eu-west-1.on.aws/` → `eu-west-1`; loopback → `local`. */
function regionOfUrl(url: string): string {
  const host = new URL(url).hostname;
  if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return 'local';
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(host)?.[1] ?? host;
}

/** Values of environment variables whose names look secret (the AWS secret key and session token among them). */
function secretLookingEnv(env: CertifyDependencies['env']): (string | undefined)[] {
  return Object.entries(env)
    .filter(([name]) => /secret|token|password|credential|session/i.test(name))
    .map(([, value]) => value);
}
