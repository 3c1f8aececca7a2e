/**
 * Cold start as Lambda sees it: a fresh process is started against a Runtime API stand-in with one invocation
 * waiting, and the clock stops when its response is posted. Three kinds of sandbox, interleaved run by run:
 * - empty: an empty handler under a managed-runtime stand-in (bench/managed-runtime-stand-in.mjs), the baseline;
 * - empty with the built-ins: the same handler requiring the Node built-ins the ingress bundle requires
 *   (node:https, node:crypto, …), what loading them costs by itself (not a target: it explains the ratio);
 * - the Powertools floor: those built-ins plus Powertools Logger and Metrics set up and used as the ingress
 *   uses them (cold-start-powertools-handler.ts), no work of its own (also an explanation, not a target);
 * - with BENCH_RIC_DIR naming an installed aws-lambda-ric 4 (bench/ric-parity.ts says how to build it): the
 *   empty handler and the ingress under the managed runtime's real client, to check the stand-in baseline
 *   and the runtime loop against it;
 * - managed: the bundled ingress under that same stand-in (what the ingress cost before the runtime loop);
 * - ingress: the bundled ingress through the exec wrapper and the kit's runtime loop, as the construct ships it;
 * - delivering: the same with delivery configured (fauxqs, a partner stand-in answering at once, a local sealing
 *   key), so its first call is made in-line and readies the spill path while it waits (spill-warm-up.ts);
 * - delivering without the warm-up: the same bundle built with the warm-up left out, what that readying costs.
 * `ratio` is ingress / empty, `deliveringRatio` delivering / empty; `wrapperMs` is what the wrapper and loop
 * add (ingress − managed).
 */
import { execFileSync, spawn } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RUNTIME_LOOP_FILES } from '../lambda/runtime-loop/files';
import { localFunctionEnv, useLocalAwsCredentials } from '../local/local-function-env';
import { startPartnerServer } from '../local/partner-api-stand-in';
import { startRuntimeApiStandIn, type RuntimeApiStandIn } from '../local/runtime-api-stand-in';
import { startSqsEmulator } from '../local/sqs-emulator';
import { functionBundleOptions } from '../local/function-bundle';
import { bundleRuntimeLoop } from '../local/runtime-loop-process';
import { MANAGED_RUNTIME_ARGS, spawnThroughWrapper } from '../local/runtime-loop-process';
import { median } from './stats';
import { installedRicEntry, ricSandboxEnv } from './ric-client';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV, PLATFORM_ENV } from '../lambda/config/environment';

// A real session id (beyond 2^53), so the ingress takes its lossless path as on real traffic.
const FIRST_REQUEST =
  '{"type":"event_processing_request","id":"cold-start","account":{"account_id":1,"account_settings":{"apiKey":"k"}},' +
  '"events":[{"type":"custom_event","id":"e1","name":"x","session_id":4957918240501247982}]}';

const MANAGED_STAND_IN = path.join(__dirname, 'managed-runtime-stand-in.mjs');
const ENV_FOR_RUNS = {
  [FUNCTION_ENV.logLevel]: 'ERROR',
  [DELIVERY_ENV.partnerApiUrl]: '',
  [DELIVERY_ENV.deliveryQueueUrl]: '',
};

/**
 * What the real client refuses to start without (the stand-in reads none of it); only its runs get it. With a
 * function name the ingress is inside Lambda, where no partner means a refusal: it runs a dry run, as the
 * stand-in's rows do without one.
 */
const RIC_SANDBOX_ENV = { ...ricSandboxEnv('cold-start', 'cold-start'), [DELIVERY_ENV.dryRun]: 'true' };

export interface ColdStartResult {
  readonly runs: number;
  /** Empty handler, managed-runtime stand-in: process start to first response posted (median ms). */
  readonly emptyMs: number;
  /** The bundled ingress through the wrapper and runtime loop (median ms). */
  readonly ingressMs: number;
  /** ingressMs / emptyMs. */
  readonly ratio: number;
  /** The empty handler requiring the Node built-ins the ingress bundle requires (median ms). */
  readonly emptyWithBuiltinsMs: number;
  /** Those built-ins, in the order the bundle first requires them. */
  readonly builtins: readonly string[];
  /** Those built-ins and Powertools Logger and Metrics as the ingress uses them, no work of its own (median ms). */
  readonly powertoolsFloorMs: number;
  /** The empty handler under aws-lambda-ric 4 (BENCH_RIC_DIR), when given (median ms). */
  readonly emptyUnderRicMs?: number;
  /** The bundled ingress (dry run) under aws-lambda-ric 4, when given (median ms). */
  readonly ingressUnderRicMs?: number;
  /** The bundled ingress under the managed-runtime stand-in, without the wrapper (median ms). */
  readonly managedIngressMs: number;
  /** What the wrapper and loop add: ingressMs − managedIngressMs. */
  readonly wrapperMs: number;
  /** The shell hop alone: node started through the wrapper minus node started directly, on an empty script. */
  readonly wrapperShellMs: number;
  /** Through the wrapper: process start to the first poll of /next, i.e. init (median ms). */
  readonly ingressLoadMs: number;
  /** Through the wrapper: first poll to first response (median ms). */
  readonly ingressFirstRequestMs: number;
  /** The bundled ingress through the wrapper and loop, delivering its first call in-line (median ms). */
  readonly deliveringMs: number;
  /** deliveringMs / emptyMs. */
  readonly deliveringRatio: number;
  /** The same bundle built without the spill warm-up, delivering its first call in-line (median ms). */
  readonly deliveringWithoutWarmUpMs: number;
}

interface Run {
  readonly totalMs: number;
  readonly initMs: number;
}

/** The ingress bundled as bench/bundle.ts bundles it, with spill-warm-up.ts replaced by one that does nothing. */
export async function bundleWithoutWarmUp(outDir: string): Promise<string> {
  const root = path.resolve(outDir, 'ingress-without-warm-up');
  await build({
    ...functionBundleOptions(
      path.join(__dirname, '..', 'lambda', 'handlers', 'ingress.ts'),
      path.join(root, 'index.js'),
      {
        bundleAwsSdk: false,
      },
    ),
    plugins: [
      {
        name: 'without-warm-up',
        setup: (b) => {
          b.onResolve({ filter: /\/spill-warm-up$/ }, () => ({ path: 'spill-warm-up', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
            contents: 'export const spillWarmUp = () => () => undefined;',
            loader: 'ts',
          }));
        },
      },
    ],
  });
  await bundleRuntimeLoop(root);
  return root;
}

/** The `node:` modules a CommonJS bundle requires, each once, in the order of their first `require`. */
export function builtinsRequiredBy(bundle: string): string[] {
  return [...new Set([...bundle.matchAll(/require\("(node:[a-z_/]+)"\)/g)].map((match) => match[1] as string))];
}

/** The Powertools floor's task root: the built-ins required first, as the ingress bundle requires them. */
async function bundlePowertoolsFloor(outDir: string, builtins: readonly string[]): Promise<string> {
  const root = path.resolve(outDir, 'powertools-floor');
  await build(
    functionBundleOptions(path.join(__dirname, 'cold-start-powertools-handler.ts'), path.join(root, 'powertools.js'), {
      bundleAwsSdk: false,
    }),
  );
  writeFileSync(
    path.join(root, 'index.js'),
    `${builtins.map((name) => `require(${JSON.stringify(name)});`).join('\n')}\nmodule.exports = require('./powertools.js');\n`,
  );
  return root;
}

/** aws-lambda-ric's entry point in `dir` (none when unset); a folder that holds no built client is refused. */
function ricEntry(dir: string | undefined): string | undefined {
  const entry = installedRicEntry(dir);
  if (dir === undefined || entry !== undefined) return entry;
  throw new Error(
    `${LOCAL_ENV.benchRicDir}=${dir} holds no built aws-lambda-ric (index.mjs and rapid-client.node): see bench/ric-parity.ts`,
  );
}

async function measure(api: RuntimeApiStandIn, start: () => ReturnType<typeof spawn>): Promise<Run> {
  const started = performance.now();
  let polledAt = 0;
  const polled = api.nextPoll().then(() => (polledAt = performance.now()));
  const responded = api.invoke({ payload: FIRST_REQUEST });
  const child = start();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout?.resume();
  child.stderr?.resume();
  const outcome = await responded;
  const totalMs = performance.now() - started;
  await polled;
  child.kill();
  await exited;
  if (outcome.kind !== 'response')
    throw new Error(`cold-start run failed: ${outcome.body.toString('utf8').slice(0, 300)}`);
  return { totalMs, initMs: polledAt - started };
}

export async function runColdStartBench(ingressBundle: string, outDir: string, runs = 20): Promise<ColdStartResult> {
  const emptyRoot = path.resolve(outDir, 'empty-handler');
  mkdirSync(emptyRoot, { recursive: true });
  writeFileSync(path.join(emptyRoot, 'index.js'), 'exports.handler = async () => ({ ok: true });\n');
  const ingressRoot = path.dirname(path.resolve(ingressBundle));
  const builtins = builtinsRequiredBy(readFileSync(ingressBundle, 'utf8'));
  const builtinsRoot = path.resolve(outDir, 'empty-handler-with-builtins');
  mkdirSync(builtinsRoot, { recursive: true });
  writeFileSync(
    path.join(builtinsRoot, 'index.js'),
    `${builtins.map((name) => `require(${JSON.stringify(name)});`).join('\n')}\nexports.handler = async () => ({ ok: true });\n`,
  );
  const powertoolsRoot = await bundlePowertoolsFloor(outDir, builtins);
  const ric = ricEntry(process.env[LOCAL_ENV.benchRicDir]);
  const underManaged = (taskRoot: string, address: string, entry = MANAGED_STAND_IN) =>
    spawn(process.execPath, [...MANAGED_RUNTIME_ARGS.slice(0, -1), entry], {
      env: {
        ...process.env,
        ...ENV_FOR_RUNS,
        ...(entry === MANAGED_STAND_IN ? {} : RIC_SANDBOX_ENV),
        [PLATFORM_ENV.lambdaRuntimeApi]: address,
        [PLATFORM_ENV.lambdaTaskRoot]: taskRoot,
        [PLATFORM_ENV.lambdaHandler]: 'index.handler',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  // The shell hop: the wrapper in a directory whose "loop" is an empty script, against node on that script.
  const shellRoot = path.resolve(outDir, 'wrapper-only');
  mkdirSync(shellRoot, { recursive: true });
  writeFileSync(path.join(shellRoot, RUNTIME_LOOP_FILES.loop), '');
  copyFileSync(path.join(ingressRoot, RUNTIME_LOOP_FILES.wrapper), path.join(shellRoot, RUNTIME_LOOP_FILES.wrapper));
  const timed = (file: string, args: readonly string[]): number => {
    const started = performance.now();
    execFileSync(file, args);
    return performance.now() - started;
  };
  const direct: number[] = [];
  const wrapped: number[] = [];

  const empty: Run[] = [];
  const emptyWithBuiltins: Run[] = [];
  const powertoolsFloor: Run[] = [];
  const emptyUnderRic: Run[] = [];
  const ingressUnderRic: Run[] = [];
  const managed: Run[] = [];
  const ingress: Run[] = [];
  const delivering: Run[] = [];
  const deliveringWithout: Run[] = [];
  const withoutWarmUpRoot = await bundleWithoutWarmUp(outDir);
  useLocalAwsCredentials('us-east-1');
  const sqs = await startSqsEmulator();
  const partner = await startPartnerServer();
  const deliveryEnv = { ...localFunctionEnv({ partnerUrl: partner.url, sqs }), [FUNCTION_ENV.logLevel]: 'ERROR' };
  try {
    for (let i = 0; i < runs; i++) {
      // Interleaved, so machine noise hits all alike; a fresh stand-in (fresh sockets) for each run.
      const api = await startRuntimeApiStandIn();
      try {
        empty.push(await measure(api, () => underManaged(emptyRoot, api.address)));
        emptyWithBuiltins.push(await measure(api, () => underManaged(builtinsRoot, api.address)));
        powertoolsFloor.push(await measure(api, () => underManaged(powertoolsRoot, api.address)));
        if (ric) {
          emptyUnderRic.push(await measure(api, () => underManaged(emptyRoot, api.address, ric)));
          ingressUnderRic.push(await measure(api, () => underManaged(ingressRoot, api.address, ric)));
        }
        managed.push(await measure(api, () => underManaged(ingressRoot, api.address)));
        ingress.push(
          await measure(api, () =>
            spawnThroughWrapper({ taskRoot: ingressRoot, runtimeApi: api.address, env: ENV_FOR_RUNS }),
          ),
        );
        delivering.push(
          await measure(api, () =>
            spawnThroughWrapper({ taskRoot: ingressRoot, runtimeApi: api.address, env: deliveryEnv }),
          ),
        );
        deliveringWithout.push(
          await measure(api, () =>
            spawnThroughWrapper({ taskRoot: withoutWarmUpRoot, runtimeApi: api.address, env: deliveryEnv }),
          ),
        );
      } finally {
        await api.close();
      }
      direct.push(
        timed(process.execPath, [...MANAGED_RUNTIME_ARGS.slice(0, -1), path.join(shellRoot, RUNTIME_LOOP_FILES.loop)]),
      );
      wrapped.push(
        timed(path.join(shellRoot, RUNTIME_LOOP_FILES.wrapper), [process.execPath, ...MANAGED_RUNTIME_ARGS]),
      );
    }
  } finally {
    await partner.stop();
    await sqs.stop();
  }
  const emptyMs = median(empty.map((r) => r.totalMs));
  const deliveringMs = median(delivering.map((r) => r.totalMs));
  const ingressMs = median(ingress.map((r) => r.totalMs));
  const managedIngressMs = median(managed.map((r) => r.totalMs));
  return {
    runs,
    emptyMs,
    ingressMs,
    ratio: ingressMs / emptyMs,
    emptyWithBuiltinsMs: median(emptyWithBuiltins.map((r) => r.totalMs)),
    builtins,
    powertoolsFloorMs: median(powertoolsFloor.map((r) => r.totalMs)),
    ...(ric
      ? {
          emptyUnderRicMs: median(emptyUnderRic.map((r) => r.totalMs)),
          ingressUnderRicMs: median(ingressUnderRic.map((r) => r.totalMs)),
        }
      : {}),
    managedIngressMs,
    wrapperMs: ingressMs - managedIngressMs,
    wrapperShellMs: median(wrapped) - median(direct),
    ingressLoadMs: median(ingress.map((r) => r.initMs)),
    ingressFirstRequestMs: median(ingress.map((r) => r.totalMs - r.initMs)),
    deliveringMs,
    deliveringRatio: deliveringMs / emptyMs,
    deliveringWithoutWarmUpMs: median(deliveringWithout.map((r) => r.totalMs)),
  };
}

if (require.main === module) {
  (async () => {
    const { bundleHandlers } = await import('./bundle');
    const bundles = await bundleHandlers('bench/out');
    console.log(Object.fromEntries(Object.entries(bundles).map(([k, v]) => [k, `${(v.bytes / 1024).toFixed(1)} KiB`])));
    console.log(await runColdStartBench(bundles['ingress']?.file ?? '', 'bench/out', Number(process.argv[2] ?? 10)));
  })();
}
