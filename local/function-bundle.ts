import type { BuildOptions } from 'esbuild';
import { ES_MODULE_REQUIRE_BANNER, ESBUILD_TARGET } from '../lib/node-runtime';

/**
 * esbuild's options for one function, as lib/kit-function.ts has the CDK bundle it: minified, node24, CommonJS
 * or (the HTTP function) an ES module with the `require` banner; the AWS SDK left to the Lambda runtime unless
 * `bundleAwsSdk`. For the bench and the tests that run a bundle as deployed without synthesizing a stack.
 */
export function functionBundleOptions(
  entry: string,
  outfile: string,
  { bundleAwsSdk, esModule }: { readonly bundleAwsSdk: boolean; readonly esModule?: boolean },
): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    mainFields: ['module', 'main'],
    format: esModule === true ? 'esm' : 'cjs',
    ...(esModule === true ? { banner: { js: ES_MODULE_REQUIRE_BANNER } } : {}),
    external: bundleAwsSdk ? [] : ['@aws-sdk/*'],
    logLevel: 'error',
  };
}
