import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `tsc --noEmit` over the integration a local tool runs (`npm run invoke`, `npm start`'s reload). tsx and
 * esbuild strip types without checking them, so a misspelled field in a mapping would run and silently send
 * nothing for it; the compiler names it instead. The folder's own tests (`*.test.ts`) are left to `npm test`.
 */

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** Generous: one folder takes the compiler a second or two, even on a busy machine. */
const TIMEOUT_MS = 60_000;

/**
 * Type-checks `folder` with the project's compiler options. Resolves to a report that names the folder and
 * lists the compiler's errors (`file(line,col): error TS…`), or to undefined when the folder compiles.
 */
export async function typeCheckIntegration(folder: string): Promise<string | undefined> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'integration-typecheck-'));
  const config = path.join(scratch, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(PROJECT_ROOT, 'tsconfig.json'),
      // Type packages are looked up beside the config, here a temp folder: point at the project's.
      compilerOptions: { typeRoots: [path.join(PROJECT_ROOT, 'node_modules', '@types')] },
      include: [folder],
      exclude: [path.join(folder, '**', '*.test.ts')],
    }),
  );
  try {
    const { code, output } = await runCompiler(config);
    if (code === 0) return undefined;
    const lines = output.trim().split('\n').filter(Boolean).map(shownLine);
    return `${shown(folder)}/ does not type-check (tsc --noEmit):\n${lines.map((l) => `  ${l}`).join('\n')}`;
  } catch (error) {
    return `${shown(folder)}/ could not be type-checked: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A path as the partner would type it: from the project root inside it, absolute outside it. */
function shown(file: string): string {
  const relative = path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, file));
  return relative.startsWith('..') ? path.resolve(PROJECT_ROOT, file) : relative;
}

/** `file(line,col): error TS…` with the file shown as above (the compiler names it from the project root). */
function shownLine(line: string): string {
  const match = /^([^(\s][^(]*)(\(\d+,\d+\):.*)$/.exec(line);
  return match ? `${shown(match[1] as string)}${match[2]}` : line;
}

function runCompiler(config: string): Promise<{ code: number | null; output: string }> {
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    // From the project root, so the compiler names files as the partner sees them (lambda/integration/…).
    const child = spawn(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', config], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsc did not finish within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
