import * as path from 'node:path';
import { Annotations, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ConstructPropsError } from './errors';
import { mergeDefined } from './merge-props';
import { ES_MODULE_REQUIRE_BANNER, ESBUILD_TARGET } from './node-runtime';
import { runtimeLoopCommandHooks } from './runtime-loop-bundling';
import { FUNCTION_DEFAULTS } from './function-defaults';

/** Repository root: entry files and the lock file are found from here, whatever the working directory. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The one Node.js runtime of every kit function; the newest GA one aws-cdk-lib 2.276 offers (cdk-nag's AwsSolutions-L1 checks for it). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
export { ESBUILD_TARGET };

/**
 * Props a user may not override: the kit builds the code (entry, handler, bundling on the local esbuild),
 * pins the runtime, and gives each function its own role and log group (exposed as properties instead).
 */
const FIXED_PROPS = [
  'entry',
  'handler',
  'code',
  'projectRoot',
  'depsLockFilePath',
  'role',
  'logGroup',
  'logRetention',
] as const;

export interface KitFunctionOptions {
  /** Absolute path of the entry file exporting `handler`. */
  readonly entry: string;
  /** The kit's defaults; `overrides` are merged over them. */
  readonly defaults: Omit<NodejsFunctionProps, 'entry' | 'handler' | 'runtime' | 'role' | 'logGroup' | 'bundling'> & {
    readonly timeout: Duration;
  };
  /** The user's props (e.g. `workerFunctionProps`), checked and merged over `defaults`. */
  readonly overrides?: Partial<NodejsFunctionProps>;
  /** Name of the prop `overrides` came from, for error messages. */
  readonly propsName: string;
  readonly logRetention: logs.RetentionDays;
  readonly roleDescription: string;
  /**
   * Bundle the pinned AWS SDK (true) or use the Lambda runtime's copy (false). The functions mParticle
   * waits on use the runtime's: loading a bundled SDK made their cold start 1.6× an empty handler's,
   * the runtime's copy 1.2× (bench/cold-start.ts), and they load it only on their first queue use.
   */
  readonly bundleAwsSdk: boolean;
  /** Ship the runtime loop and its exec wrapper in the bundle. */
  readonly runtimeLoop?: boolean;
  /**
   * Bundle as an ES module (index.mjs), so that the entry's top-level await is part of Lambda's init
   * (lambda/handlers/http-esm.ts); the bundle defines `require` for the modules it loads at run time.
   */
  readonly esModule?: boolean;
  /** Below this memory size a warning annotation is added (a front door mParticle waits on). */
  readonly recommendedMinMemoryMb?: number;
  /** Construct ids; default `<id>Function`, `<id>Role`, `<id>Logs`. */
  readonly ids?: { readonly function: string; readonly role: string; readonly logs: string };
}

export interface KitFunction {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * A Node.js function bundled by the local esbuild (never Docker) on FUNCTION_RUNTIME, with its own log
 * group and its own role. The role gets write access to that one log group instead of
 * AWSLambdaBasicExecutionRole, which would allow writing to every log group in the account.
 */
export function createKitFunction(scope: Construct, id: string, options: KitFunctionOptions): KitFunction {
  const overrides = options.overrides ?? {};
  checkOverrides(options.propsName, overrides, options.defaults.environment ?? {}, {
    runtimeLoop: options.runtimeLoop === true,
    esModule: options.esModule === true,
  });
  const ids = options.ids ?? { function: `${id}Function`, role: `${id}Role`, logs: `${id}Logs` };
  const logGroup = new logs.LogGroup(scope, ids.logs, { retention: options.logRetention });
  const role = new iam.Role(scope, ids.role, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
  });
  logGroup.grantWrite(role);

  const { environment, bundling, ...rest } = overrides;
  const fn = new NodejsFunction(scope, ids.function, {
    ...mergeDefined<NodejsFunctionProps>(
      { architecture: lambda.Architecture.ARM_64, memorySize: FUNCTION_DEFAULTS.memoryMb, ...options.defaults },
      rest,
    ),
    entry: options.entry,
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    runtime: FUNCTION_RUNTIME,
    role,
    logGroup,
    environment: { ...options.defaults.environment, ...environment },
    bundling: { ...mergeDefined(kitBundling(options), bundling), forceDockerBundling: false },
  });
  const memory = rest.memorySize ?? options.defaults.memorySize ?? FUNCTION_DEFAULTS.memoryMb;
  if (options.recommendedMinMemoryMb !== undefined && memory < options.recommendedMinMemoryMb) {
    Annotations.of(fn).addWarningV2(
      'firehose-kit:memoryBelowRecommendation',
      `${options.propsName}.memorySize ${memory} MB is below the ${options.recommendedMinMemoryMb} MB mParticle recommends; latency will suffer`,
    );
  }
  return { fn, role, logGroup };
}

function kitBundling(options: KitFunctionOptions): BundlingOptions {
  return {
    forceDockerBundling: false,
    minify: true,
    sourceMap: true,
    // Stack traces need the mappings, not a second copy of the sources.
    sourcesContent: false,
    target: ESBUILD_TARGET,
    format: options.esModule === true ? OutputFormat.ESM : OutputFormat.CJS,
    ...(options.esModule === true ? { banner: ES_MODULE_REQUIRE_BANNER } : {}),
    bundleAwsSDK: options.bundleAwsSdk,
    // When bundled: the ESM builds ("module") tree-shake to about a quarter less than the CommonJS ones.
    mainFields: ['module', 'main'],
    ...(options.runtimeLoop === true ? { commandHooks: runtimeLoopCommandHooks(ESBUILD_TARGET) } : {}),
  };
}

/** Refuses overrides that would break the kit, naming the prop path and what to do instead. */
function checkOverrides(
  propsName: string,
  overrides: Partial<NodejsFunctionProps>,
  kitEnvironment: Record<string, string>,
  { runtimeLoop, esModule }: { readonly runtimeLoop: boolean; readonly esModule: boolean },
): void {
  for (const key of FIXED_PROPS) {
    if (overrides[key] !== undefined) {
      throw new ConstructPropsError(
        `${propsName}.${key}`,
        'is set by the kit and cannot be overridden (the role and log group are exposed as properties: add to them instead)',
      );
    }
  }
  const runtime = overrides.runtime;
  if (runtime !== undefined && !runtime.runtimeEquals(FUNCTION_RUNTIME)) {
    throw new ConstructPropsError(
      `${propsName}.runtime`,
      `must be ${FUNCTION_RUNTIME.name}, the one runtime the kit is built and tested for (got ${runtime.name})`,
    );
  }
  for (const name of Object.keys(overrides.environment ?? {})) {
    if (name in kitEnvironment) {
      throw new ConstructPropsError(
        `${propsName}.environment.${name}`,
        'is set by the kit from its own props; set that prop instead',
      );
    }
  }
  const bundling = overrides.bundling;
  if (bundling?.forceDockerBundling === true) {
    throw new ConstructPropsError(
      `${propsName}.bundling.forceDockerBundling`,
      'must stay false: the kit bundles with the local esbuild, never Docker',
    );
  }
  if (bundling?.target !== undefined && bundling.target !== ESBUILD_TARGET) {
    throw new ConstructPropsError(
      `${propsName}.bundling.target`,
      `must be ${ESBUILD_TARGET}, matching ${FUNCTION_RUNTIME.name}`,
    );
  }
  if (runtimeLoop && bundling?.format !== undefined && bundling.format !== OutputFormat.CJS) {
    throw new ConstructPropsError(
      `${propsName}.bundling.format`,
      'must stay cjs: the runtime loop loads the handler as CommonJS from index.js (docs/runtime-loop.md)',
    );
  }
  if (esModule && bundling?.format !== undefined && bundling.format !== OutputFormat.ESM) {
    throw new ConstructPropsError(
      `${propsName}.bundling.format`,
      'must stay esm: the entry awaits its warm-up at the top level, which only an ES module can (lambda/handlers/http-esm.ts)',
    );
  }
  if (esModule && bundling?.banner !== undefined) {
    throw new ConstructPropsError(
      `${propsName}.bundling.banner`,
      "is the kit's: it defines `require` in the ES module bundle, which loads the AWS SDK with it (lib/node-runtime.ts)",
    );
  }
  if (runtimeLoop && bundling?.commandHooks !== undefined) {
    throw new ConstructPropsError(
      `${propsName}.bundling.commandHooks`,
      'would drop the runtime loop the ingress ships in its bundle (docs/runtime-loop.md)',
    );
  }
}
