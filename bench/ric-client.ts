import { existsSync } from 'node:fs';
import path from 'node:path';
import { PLATFORM_ENV } from '../lambda/config/environment';

/**
 * The managed runtime's real client, npm aws-lambda-ric 4.x, as the benches run it beside the kit's loop
 * (bench/ric-parity.ts says how to build it here).
 */

/** The client's entry point in `dir`, or undefined when `dir` holds no built client (index.mjs and its addon). */
export function installedRicEntry(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  const entry = path.resolve(dir, 'index.mjs');
  return existsSync(entry) && existsSync(path.resolve(dir, 'rapid-client.node')) ? entry : undefined;
}

/** What the real client refuses to start without (a stand-in reads none of it), for a function `name`. */
export function ricSandboxEnv(name: string, logStream: string): Record<string, string> {
  return {
    [PLATFORM_ENV.lambdaFunctionName]: name,
    [PLATFORM_ENV.lambdaFunctionVersion]: '$LATEST',
    [PLATFORM_ENV.lambdaMemorySize]: '1024',
    [PLATFORM_ENV.lambdaLogGroupName]: `/aws/lambda/${name}`,
    [PLATFORM_ENV.lambdaLogStreamName]: logStream,
  };
}
