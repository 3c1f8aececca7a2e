/**
 * The one Node.js major every kit function runs on in Lambda. No CDK import here: the local tools and the
 * bench bundle and describe the functions from it too, and must not load aws-cdk-lib to do so.
 */
export const NODE_MAJOR = 24;
/** esbuild's target for every bundle. */
export const ESBUILD_TARGET = `node${NODE_MAJOR}`;
/** Lambda's name for the runtime (`FUNCTION_RUNTIME.name` in lib/kit-function.ts). */
export const LAMBDA_RUNTIME_NAME = `nodejs${NODE_MAJOR}.x`;

/**
 * The first line of an ES module bundle (the HTTP function's): the code loads the SDK with `require` on
 * purpose (synchronously, during init: lambda/delivery/lazy-sdk-module.ts), which an ES module does not
 * have; esbuild's bundles call this one.
 */
export const ES_MODULE_REQUIRE_BANNER =
  "import { createRequire as __kitCreateRequire } from 'node:module'; const require = __kitCreateRequire(import.meta.url);";
