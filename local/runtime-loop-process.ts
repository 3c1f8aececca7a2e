import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { RUNTIME_LOOP_FILES } from '../lambda/runtime-loop/files';
import { ESBUILD_TARGET } from '../lib/node-runtime';
import { functionBundleOptions } from './function-bundle';
import {
  startRuntimeApiStandIn,
  type InvocationInput,
  type RuntimeApiStandIn,
  type RuntimeOutcome,
} from './runtime-api-stand-in';
import { PLATFORM_ENV } from '../lambda/config/environment';

/**
 * The ingress as Lambda runs it, on this machine: the bundle the construct ships (handler, runtime loop,
 * wrapper) started the way Lambda's Node.js bootstrap starts it, against a Runtime API stand-in.
 * A process that exits (an uncaught error) is replaced on the next invocation, as Lambda replaces a sandbox.
 */

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** What Lambda's Node.js bootstrap passes to the exec wrapper after the interpreter. */
export const MANAGED_RUNTIME_ARGS = [
  '--expose-gc',
  '--max-http-header-size',
  '81920',
  '/var/runtime/index.mjs',
] as const;

/** The runtime loop and its wrapper, into `outDir` (beside a handler bundle), as the construct ships them. */
export async function bundleRuntimeLoop(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'lambda', 'runtime-loop', 'main.ts')],
    outfile: path.join(outDir, RUNTIME_LOOP_FILES.loop),
    bundle: true,
    minify: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    logLevel: 'error',
  });
  const wrapper = path.join(outDir, RUNTIME_LOOP_FILES.wrapper);
  copyFileSync(path.join(PROJECT_ROOT, 'lambda', 'runtime-loop', 'wrapper.sh'), wrapper);
  chmodSync(wrapper, 0o755);
}

/**
 * A fresh directory for a local bundle, inside the project so that the AWS SDK the bundle leaves out (the
 * Lambda runtime has its own copy) resolves from the project's node_modules.
 */
export function localTaskRoot(): string {
  const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(path.join(cache, 'firehose-ingress-'));
}

/** The ingress handler bundled as the construct bundles it (the AWS SDK left to the runtime), with the loop. */
export async function bundleIngressWithLoop(
  outDir: string = localTaskRoot(),
  options: { readonly integrationModule?: string } = {},
): Promise<string> {
  const integrationModule = options.integrationModule;
  await build({
    ...functionBundleOptions(
      path.join(PROJECT_ROOT, 'lambda', 'handlers', 'ingress.ts'),
      path.join(outDir, 'index.js'),
      {
        bundleAwsSdk: false,
      },
    ),
    // `npm start` with LOCAL_ENV.localIntegrationModule: the handler's `../integration` is that module instead.
    plugins: integrationModule
      ? [
          {
            name: 'local-integration',
            setup: (b) => void b.onResolve({ filter: /^\.\.\/integration$/ }, () => ({ path: integrationModule })),
          },
        ]
      : [],
  });
  await bundleRuntimeLoop(outDir);
  return outDir;
}

export interface WrappedProcessOptions {
  /** Directory holding index.js, the loop and the wrapper (PLATFORM_ENV.lambdaTaskRoot). */
  readonly taskRoot: string;
  readonly runtimeApi: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The interpreter and arguments after the wrapper. @default this node and MANAGED_RUNTIME_ARGS */
  readonly args?: readonly string[];
}

/** Starts `<wrapper> <node> <bootstrap flags> /var/runtime/index.mjs` as Lambda's bootstrap would. */
export function spawnThroughWrapper(options: WrappedProcessOptions): ChildProcess {
  return spawn(
    path.join(options.taskRoot, RUNTIME_LOOP_FILES.wrapper),
    options.args ?? [process.execPath, ...MANAGED_RUNTIME_ARGS],
    {
      env: {
        ...process.env,
        ...options.env,
        [PLATFORM_ENV.lambdaRuntimeApi]: options.runtimeApi,
        [PLATFORM_ENV.lambdaTaskRoot]: options.taskRoot,
        [PLATFORM_ENV.lambdaHandler]: 'index.handler',
      },
      // Both piped: Lambda collects stdout and stderr alike; the caller reads them line by line.
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

export interface LoopFunction {
  invoke(input: InvocationInput): Promise<RuntimeOutcome>;
  stop(): Promise<void>;
}

/** The runtime loop as a local function: each invocation goes through the stand-in to a (re)started process. */
export async function startLoopFunction(options: {
  readonly taskRoot: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every line the process writes (its JSON logs), with the stream it came on. */
  readonly onLine: (line: string, stream: NodeJS.WriteStream) => void;
}): Promise<LoopFunction> {
  const api: RuntimeApiStandIn = await startRuntimeApiStandIn();
  let child: ChildProcess | undefined;

  const ensureRunning = (): void => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const started = spawnThroughWrapper({ taskRoot: options.taskRoot, runtimeApi: api.address, env: options.env });
    createInterface({ input: started.stdout as NodeJS.ReadableStream }).on('line', (line) =>
      options.onLine(line, process.stdout),
    );
    createInterface({ input: started.stderr as NodeJS.ReadableStream }).on('line', (line) =>
      options.onLine(line, process.stderr),
    );
    started.on('exit', (code, signal) => {
      api.abandon(
        Object.assign(new Error(`the runtime process exited (${signal ?? `code ${code}`})`), {
          name: 'Runtime.ExitError',
        }),
      );
    });
    child = started;
  };

  return {
    invoke(input) {
      ensureRunning();
      return api.invoke(input);
    },
    async stop() {
      const running = child;
      if (running && running.exitCode === null && running.signalCode === null) {
        await new Promise<void>((resolve) => {
          running.once('exit', () => resolve());
          running.kill();
        });
      }
      await api.close();
    },
  };
}
