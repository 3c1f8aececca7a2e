import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/local-system';
import { startTestLocalSystem } from '../support/local-system';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';

// Inside the project (under node_modules, which no tool scans) so the snippet resolves the kit's packages.
const cache = path.join(PROJECT_ROOT, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(path.join(cache, 'readme-snippet-'));

/** The first ```ts block after `marker` in README.md. */
function snippetAfter(marker: string): string {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(marker);
  expect(from, `README.md has no "${marker}"`).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(from))?.[1];
  if (block === undefined) throw new Error(`no ts block after "${marker}"`);
  return block;
}

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestLocalSystem();
});
afterAll(async () => {
  await system?.stop();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's @aws-sdk/client-lambda snippet", () => {
  const snippet = snippetAfter('With `@aws-sdk/client-lambda`');

  it('compiles as a .ts file of its own in a CommonJS project (strict, no top-level await)', async () => {
    // Prepare
    writeFileSync(path.join(dir, 'invoke-local.ts'), snippet);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(PROJECT_ROOT, 'tsconfig.json'),
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
        include: ['invoke-local.ts'],
      }),
    );
    // Act
    const result = await runCli(path.join(PROJECT_ROOT, 'node_modules/.bin/tsc'), ['-p', dir], { timeoutMs: 60_000 });
    // Assess
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 90_000);

  it('runs against the local system and gets the ingress answer', async () => {
    // Prepare: the snippet as written, pointed at this test's system instead of port 3001.
    expect(snippet).toContain("'http://127.0.0.1:3001'");
    const file = path.join(dir, 'run-local.ts');
    writeFileSync(file, snippet.replace("'http://127.0.0.1:3001'", JSON.stringify(system.invokeUrl)));
    // Act
    const result = await runCli(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [file], { timeoutMs: 60_000 });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok \{"type":"event_processing_response"/);
  }, 90_000);
});
