import * as path from 'node:path';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LAMBDA_TASK_DIR, RUNTIME_LOOP_FILES } from '../lambda/runtime-loop/files';
import { PLATFORM_ENV } from '../lambda/config/environment';

/**
 * What makes a Node.js function run the kit's runtime loop (docs/runtime-loop.md): the loop and its exec
 * wrapper added to the bundle after esbuild has built the handler, and the variable that names the wrapper.
 * The wrapper falls back to the managed runtime by itself, so a bundle without them only loses exactness.
 */
export const RUNTIME_LOOP_ENVIRONMENT: Readonly<Record<string, string>> = {
  [PLATFORM_ENV.lambdaExecWrapper]: `${LAMBDA_TASK_DIR}/${RUNTIME_LOOP_FILES.wrapper}`,
};

/** Shell quoting for the bundling commands (paths may hold spaces). */
const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export function runtimeLoopCommandHooks(esbuildTarget: string): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    // inputDir is the project root; the kit bundles locally (never Docker) with the project's own esbuild.
    afterBundling: (inputDir, outputDir) => {
      const source = (...parts: string[]) => quote(path.posix.join(inputDir, 'lambda', 'runtime-loop', ...parts));
      const loop = quote(path.posix.join(outputDir, RUNTIME_LOOP_FILES.loop));
      const wrapper = quote(path.posix.join(outputDir, RUNTIME_LOOP_FILES.wrapper));
      return [
        [
          quote(path.posix.join(inputDir, 'node_modules', '.bin', 'esbuild')),
          source('main.ts'),
          '--bundle --minify --platform=node --format=cjs --log-level=warning',
          `--target=${esbuildTarget}`,
          `--outfile=${loop}`,
        ].join(' '),
        `cp ${source('wrapper.sh')} ${wrapper}`,
        // Lambda runs the wrapper directly: it needs its run bit in the zip.
        `chmod 755 ${wrapper}`,
      ];
    },
  };
}
