/**
 * Bundles the Lambda entry points the way the CDK stack does (lib/kit-function.ts, local/function-bundle.ts):
 * esbuild, minified, node24, CJS (the HTTP function: an ES module, index.mjs). The functions mParticle waits on
 * (ingress, HTTP) leave the AWS SDK to the Lambda runtime; the worker bundles the pinned SDK from its ESM
 * builds. The ingress directory also gets the runtime loop and its wrapper. LOCAL_ENV.bundleAwsSdk=true
 * bundles it everywhere (to compare).
 */
import { build } from 'esbuild';
import { functionBundleOptions } from '../local/function-bundle';
import { statSync } from 'node:fs';
import path from 'node:path';
import { RUNTIME_LOOP_FILES } from '../lambda/runtime-loop/files';
import { bundleRuntimeLoop } from '../local/runtime-loop-process';
import { LOCAL_ENV } from '../lambda/config/environment';

export const ENTRY_POINTS: Readonly<Record<string, { entry: string; bundleAwsSdk: boolean; esModule?: boolean }>> = {
  ingress: { entry: 'lambda/handlers/ingress.ts', bundleAwsSdk: false },
  http: { entry: 'lambda/handlers/http-esm.ts', bundleAwsSdk: false, esModule: true },
  worker: { entry: 'lambda/handlers/worker.ts', bundleAwsSdk: true },
};

export async function bundleHandlers(outDir: string): Promise<Record<string, { file: string; bytes: number }>> {
  const out: Record<string, { file: string; bytes: number }> = {};
  for (const [name, entryPoint] of Object.entries(ENTRY_POINTS)) {
    const file = path.join(outDir, name, entryPoint.esModule === true ? 'index.mjs' : 'index.js');
    await build(
      functionBundleOptions(entryPoint.entry, file, {
        ...entryPoint,
        bundleAwsSdk: entryPoint.bundleAwsSdk || process.env[LOCAL_ENV.bundleAwsSdk] === 'true',
      }),
    );
    out[name] = { file, bytes: statSync(file).size };
  }
  // The ingress ships with the runtime loop and its exec wrapper, as the construct bundles it.
  const ingressDir = path.join(outDir, 'ingress');
  await bundleRuntimeLoop(ingressDir);
  const loop = path.join(ingressDir, RUNTIME_LOOP_FILES.loop);
  out['runtime-loop'] = { file: loop, bytes: statSync(loop).size };
  return out;
}
