import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_TARGET } from '../lib/node-runtime';

/** A bundled HTTP function running in its own process behind the local Function URL endpoint. */
export interface HttpFunctionProcess {
  /** `http://127.0.0.1:port`, listening once the function's init has ended. */
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Bundles local/http-function-child.ts into `outDir` and runs it on `bundle` (an index.mjs) with `env`, as a
 * fresh Lambda container: resolves once the module's init has ended and the endpoint listens. NODE_PATH is
 * the repository's node_modules, where the SDK is (as /var/runtime's in Lambda).
 */
export async function startHttpFunctionProcess(options: {
  readonly bundle: string;
  readonly env: NodeJS.ProcessEnv;
  readonly outDir: string;
}): Promise<HttpFunctionProcess> {
  const childFile = await bundleChild(options.outDir);
  const child = spawn(process.execPath, [childFile, options.bundle], {
    env: { ...options.env, NODE_PATH: path.join(__dirname, '..', 'node_modules') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.once('exit', (code) =>
      reject(new Error(`the HTTP function's process exited with ${code} before it listened`)),
    );
  });
  child.removeAllListeners('exit');
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

const childBundles = new Map<string, Promise<string>>();

/** The child bundled once per directory (CommonJS; it imports the function's ES module at run time). */
function bundleChild(outDir: string): Promise<string> {
  let bundled = childBundles.get(outDir);
  if (!bundled) {
    const outfile = path.join(outDir, 'http-function-child.js');
    bundled = build({
      entryPoints: [path.join(__dirname, 'http-function-child.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: ESBUILD_TARGET,
      format: 'cjs',
      logLevel: 'error',
    }).then(() => outfile);
    childBundles.set(outDir, bundled);
  }
  return bundled;
}
