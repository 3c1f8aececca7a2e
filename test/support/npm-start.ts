import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_ENV } from '../../lambda/config/environment';
import type { SystemStatus } from '../../local/status-page';
import { spawnGroup, type Spawned } from './processes';
import { PROJECT_ROOT } from './run-cli';

/** `npm start` as a person runs it, on free ports; its terminal output (stdout and stderr) as it grows. */
export interface NpmStart {
  readonly child: Spawned;
  readonly invokeUrl: string;
  readonly partnerUrl: string;
  /** From the spawn to the printed Invoke API address. */
  readonly startupMs: number;
  output(): string;
}

export async function startNpm(env: Record<string, string> = {}): Promise<NpmStart> {
  const started = Date.now();
  const child = spawnGroup('npm', ['start'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      [LOCAL_ENV.invokePort]: '0',
      [LOCAL_ENV.httpPort]: '0',
      [LOCAL_ENV.partnerPort]: '0',
      [LOCAL_ENV.sqsPort]: '0',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const invokeUrl = await waitUntil(
    () => /Lambda Invoke API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
    30_000,
    () => `npm start printed no URL:\n${output}`,
  );
  const partnerUrl = /partner API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
  return { child, invokeUrl, partnerUrl, startupMs: Date.now() - started, output: () => output };
}

export async function waitUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  why: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const statusOf = async (invokeUrl: string): Promise<SystemStatus> =>
  (await (await fetch(`${invokeUrl}/_status.json`)).json()) as SystemStatus;

/** Invokes the ingress through the local Invoke API, as `aws lambda invoke` does. */
export const invokeIngress = (invokeUrl: string, body: string | Buffer): Promise<Response> =>
  fetch(`${invokeUrl}/2015-03-31/functions/firehose-ingress/invocations`, { method: 'POST', body });

/**
 * A partner's integration outside the tree (the kit tests' own, test/support/kit-integration, with another
 * events path): the test edits its mapping.ts as a partner does, in place or by renaming a new file over it
 * as safe-write editors do.
 */
export function integrationCopy(eventsPath: string): {
  readonly module: string;
  readonly mapping: string;
  mappingSource(eventsPath: string): string;
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'integration-'));
  const mapping = path.join(dir, 'mapping.ts');
  const mappingSource = (next: string): string =>
    `import { mapEvents as kit } from ${JSON.stringify(path.join(PROJECT_ROOT, 'test/support/kit-integration/mapping'))};\n` +
    `import type { EventProcessingRequest } from ${JSON.stringify(path.join(PROJECT_ROOT, 'lambda/firehose'))};\n` +
    `export const mapEvents = (request: EventProcessingRequest) => { const call = kit(request); return call && { ...call, path: ${JSON.stringify(next)} }; };\n`;
  writeFileSync(mapping, mappingSource(eventsPath));
  writeFileSync(
    path.join(dir, 'index.ts'),
    `import { integration as kit } from ${JSON.stringify(path.join(PROJECT_ROOT, 'test/support/kit-integration'))};\n` +
      `import { mapEvents } from './mapping';\nexport const integration = { ...kit, mapEvents };\n`,
  );
  return { module: path.join(dir, 'index.ts'), mapping, mappingSource };
}
