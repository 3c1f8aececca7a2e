/**
 * A bundled HTTP function (its index.mjs) run as Lambda runs it, behind the local Function URL endpoint: the
 * module is imported, which awaits its top-level await (its init), and only then does the endpoint listen,
 * as Lambda hands over no request before init has ended. Prints the endpoint's URL as its first stdout line,
 * then serves until killed. `node <this, bundled or through tsx> <bundle.mjs>` (bench/http-hanging.ts,
 * test/http/esm-entry.test.ts).
 */
import { pathToFileURL } from 'node:url';
import type { FunctionUrlHandler } from '../lambda/http/function-url';
import { startHttpEndpoint } from './http-endpoint';

async function main(bundle: string | undefined): Promise<void> {
  if (!bundle) throw new Error('usage: http-function-child <bundle.mjs>');
  const loaded = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
  if (typeof loaded.handler !== 'function') throw new Error(`${bundle} exports no handler`);
  const endpoint = await startHttpEndpoint({ port: 0, handler: loaded.handler as FunctionUrlHandler });
  process.stdout.write(`${endpoint.url}\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`http-function-child: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
