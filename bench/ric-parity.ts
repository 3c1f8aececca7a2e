/**
 * The runtime loop beside the managed runtime's own client, aws-lambda-ric 4.x, against the same Runtime API
 * stand-in: each scenario (a stand-in handler module exporting `handler` for the client and `rawHandler` for the
 * loop, with the same behaviour) runs under both, and what each posts (response, invocation error, init error,
 * error-type and X-Ray headers, exit code) is compared. Not part of `npm test`: the client builds a native addon.
 *
 *   mkdir /tmp/ric && cd /tmp/ric && npm init -y && npm install aws-lambda-ric@4
 *     (needs cmake, make, g++, autoconf and libtool; with no internet for Node's headers, set
 *      npm_config_nodedir to a Node distribution that has include/node)
 *   npx tsx bench/ric-parity.ts /tmp/ric/node_modules/aws-lambda-ric
 *
 * Prints one line per scenario and field, and exits 1 if a difference is not one docs/runtime-loop.md explains
 * ("Where the loop differs from the managed client on purpose").
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PLATFORM_ENV } from '../lambda/config/environment';
import { installedRicEntry, ricSandboxEnv } from './ric-client';
import { startRuntimeApiStandIn, type RuntimeOutcome } from '../local/runtime-api-stand-in';
import {
  bundleRuntimeLoop,
  localTaskRoot,
  MANAGED_RUNTIME_ARGS,
  spawnThroughWrapper,
} from '../local/runtime-loop-process';

interface Scenario {
  readonly name: string;
  /** The module's source; `BEHAVIOUR` is replaced by an async function of the payload's text. */
  readonly source: string;
  readonly payload?: string;
}

/** Both entry points over one behaviour: the client passes the parsed event, the loop the bytes. */
const BOTH = `
exports.handler = async (event) => behaviour(JSON.stringify(event));
exports.rawHandler = async (payload) => behaviour(payload.toString('utf8'));`;

const SCENARIOS: readonly Scenario[] = [
  { name: 'success', source: `const behaviour = async (text) => ({ ok: true, length: text.length });${BOTH}` },
  {
    name: 'handler throws',
    source: `function failDeliberately() { throw new TypeError('bad input here'); }
const behaviour = async () => failDeliberately();${BOTH}`,
  },
  {
    name: 'missing dependency',
    source: `const missing = require('@example/not-installed');\nconst behaviour = async () => missing;${BOTH}`,
  },
  { name: 'syntax error', source: 'exports.handler = async () => {' },
  { name: 'handler not exported', source: 'exports.somethingElse = 1;' },
  {
    name: 'rejection during async init',
    source: `const ready = Promise.reject(new Error('no configuration'));
const behaviour = async () => { await ready; return {}; };${BOTH}`,
  },
  {
    name: 'exception from a callback during init',
    source: `setImmediate(() => { throw new RangeError('late failure'); });
const behaviour = async () => ({});${BOTH}`,
  },
  {
    name: 'exception from a timer during the invocation',
    source: `const behaviour = () => new Promise(() => { setTimeout(() => { throw new RangeError('boom'); }, 1); });${BOTH}`,
  },
  {
    name: 'rejection nobody handles during the invocation',
    source: `const behaviour = async () => { Promise.reject(new Error('forgotten')); await new Promise((r) => setTimeout(r, 50)); return {}; };${BOTH}`,
  },
  { name: 'promise that never settles', source: `const behaviour = () => new Promise(() => {});${BOTH}` },
];

/** What a runtime did with one invocation, reduced to what the comparison looks at. */
interface Observed {
  readonly kind: string;
  readonly errorType?: unknown;
  readonly errorMessage?: unknown;
  readonly traceLines?: number;
  readonly errorTypeHeader?: string;
  readonly xrayTypes?: unknown;
  readonly xrayTopLabel?: unknown;
  readonly body?: string;
  readonly exitCode: number | null | 'running';
}

const SANDBOX_ENV = ricSandboxEnv('firehose-ingress', 'parity');

async function observe(start: (api: string) => ChildProcess, payload: string): Promise<Observed> {
  const api = await startRuntimeApiStandIn();
  const child = start(api.address);
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const settled = await Promise.race([
    api.invoke({ payload }),
    exited.then(() => undefined),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
  ]);
  // A process that exits after posting gets a moment to do so.
  const exitCode = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 1_500))]);
  if (exitCode === 'running') child.kill();
  await api.close();
  const outcome: RuntimeOutcome | undefined = settled === 'timeout' ? undefined : settled;
  const initError = api.initErrors[0];
  const posted = outcome ?? initError;
  if (posted === undefined)
    return { kind: settled === 'timeout' ? 'nothing posted (timed out)' : 'nothing posted', exitCode };
  const text = posted.body.toString('utf8');
  if (posted.kind === 'response') return { kind: 'response', body: text, exitCode };
  const document = JSON.parse(text) as Record<string, unknown>;
  const xrayHeader = posted.headers['lambda-runtime-function-xray-error-cause'];
  const xray =
    typeof xrayHeader === 'string' && xrayHeader !== ''
      ? (JSON.parse(xrayHeader) as { exceptions?: { type?: string; stack?: { label?: string }[] }[] })
      : undefined;
  const errorTypeHeader = posted.headers['lambda-runtime-function-error-type'];
  return {
    kind: posted.kind,
    errorType: document['errorType'],
    errorMessage: document['errorMessage'],
    traceLines: Array.isArray(document['trace']) ? document['trace'].length : -1,
    ...(typeof errorTypeHeader === 'string' ? { errorTypeHeader } : {}),
    ...(xray === undefined
      ? {}
      : {
          xrayTypes: xray.exceptions?.map((e) => e.type),
          xrayTopLabel: xray.exceptions?.[0]?.stack?.[0]?.label,
        }),
    exitCode,
  };
}

/** A difference docs/runtime-loop.md explains, or undefined. */
function explained(field: keyof Observed, ric: Observed, loop: Observed): string | undefined {
  const [a, b] = [ric[field], loop[field]];
  if (ric.kind.startsWith('nothing posted') && !loop.kind.startsWith('nothing posted'))
    return 'ric 4.0 posts nothing here (no handler for uncaught errors or a never-settling promise); the loop posts as ric 3.3';
  if (field === 'traceLines' && b === 0) return 'the loop posts an empty trace';
  if (field === 'errorMessage' && typeof a === 'string' && typeof b === 'string') {
    if (a.split('\n')[0] === b) return 'the loop keeps the first line (no require stack)';
    if (a.replace('index.handler', 'index.rawHandler') === b) return 'the loop calls rawHandler';
  }
  if (field === 'exitCode' && a === 1 && b === 129 && loop.kind === 'init-error')
    return 'after an init error ric 4.0 exits 1 (its rethrown error), ric 3.3 and the loop 129';
  if (field === 'xrayTopLabel') return 'the top frame depends on who awaited the handler';
  return undefined;
}

async function main(): Promise<void> {
  const ricDir = process.argv[2];
  const ricEntry = installedRicEntry(ricDir);
  if (ricEntry === undefined) {
    console.error(
      'usage: npx tsx bench/ric-parity.ts <folder of an installed aws-lambda-ric 4.x, with rapid-client.node>',
    );
    process.exit(64);
  }
  const root = localTaskRoot();
  await bundleRuntimeLoop(root);
  let unexplained = 0;
  try {
    for (const scenario of SCENARIOS) {
      writeFileSync(path.join(root, 'index.js'), scenario.source);
      const env = {
        ...process.env,
        ...SANDBOX_ENV,
        [PLATFORM_ENV.lambdaTaskRoot]: root,
        [PLATFORM_ENV.lambdaHandler]: 'index.handler',
      };
      const payload = scenario.payload ?? '{"type":"parity"}';
      const ric = await observe(
        (api) =>
          spawn(process.execPath, [...MANAGED_RUNTIME_ARGS.slice(0, -1), ricEntry], {
            env: { ...env, [PLATFORM_ENV.lambdaRuntimeApi]: api },
            cwd: root,
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        payload,
      );
      const loop = await observe(
        (api) => spawnThroughWrapper({ taskRoot: root, runtimeApi: api, env: SANDBOX_ENV }),
        payload,
      );
      const fields = [...new Set([...Object.keys(ric), ...Object.keys(loop)])] as (keyof Observed)[];
      for (const field of fields) {
        const [a, b] = [JSON.stringify(ric[field]), JSON.stringify(loop[field])];
        const reason = a === b ? 'same' : explained(field, ric, loop);
        if (reason === undefined) unexplained++;
        console.log(`${scenario.name} | ${field} | ric: ${a} | loop: ${b} | ${reason ?? 'DIFFERS (not explained)'}`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(unexplained === 0 ? 'no unexplained difference' : `${unexplained} unexplained differences`);
  process.exit(unexplained === 0 ? 0 : 1);
}

void main();
