import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PLATFORM_ENV } from '../../../lambda/config/environment';

export const PROJECT_ROOT = path.resolve(__dirname, '../../..');

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the real CLI in one process (`node --import tsx`), so a kill reaches the process doing the work. */
export function spawnFeedCli(args: readonly string[], env: Record<string, string>, stdin?: string): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/feed.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: {
      [PLATFORM_ENV.path]: process.env[PLATFORM_ENV.path] ?? '',
      [PLATFORM_ENV.home]: process.env[PLATFORM_ENV.home] ?? '',
      ...env,
    },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
  return { child, done };
}
