/** Bundles the Lambda entry points the way the CDK stack does (esbuild, minified, node22, CJS, AWS SDK external). */
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
      target: 'node22',
      format: 'cjs',
      // The Lambda Node.js runtime ships the AWS SDK v3; NodejsFunction leaves it out by default.
      external: process.env['BUNDLE_AWS_SDK'] === 'true' ? [] : ['@aws-sdk/*'],
      logLevel: 'error',
    });
    out[name] = { file, bytes: statSync(file).size };
  }
  return out;
}
