/**
 * Bundles the Lambda entry points the way the CDK stack does (lib/firehose-integration.ts): esbuild, minified,
 * node24, CJS, the pinned AWS SDK bundled from its ESM builds. BUNDLE_AWS_SDK=false leaves the SDK to the runtime.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import path from 'node:path';

export const ENTRY_POINTS = {
  ingress: 'lambda/handlers/ingress.ts',
  worker: 'lambda/handlers/worker.ts',
} as const;

export async function bundleHandlers(outDir: string): Promise<Record<string, { file: string; bytes: number }>> {
  const out: Record<string, { file: string; bytes: number }> = {};
  for (const [name, entry] of Object.entries(ENTRY_POINTS)) {
    const file = path.join(outDir, name, 'index.js');
    await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node24',
      mainFields: ['module', 'main'],
      format: 'cjs',
      external: process.env['BUNDLE_AWS_SDK'] === 'false' ? ['@aws-sdk/*'] : [],
      logLevel: 'error',
    });
    out[name] = { file, bytes: statSync(file).size };
  }
  return out;
}
