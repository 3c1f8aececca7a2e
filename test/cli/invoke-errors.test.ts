import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV } from '../../lambda/config/environment';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
const scratch = mkdtempSync(path.join(tmpdir(), 'invoke-errors-'));
// Unset delivery settings: a dry run, whatever the developer's shell has.
const env = {
  [DELIVERY_ENV.partnerApiUrl]: '',
  [DELIVERY_ENV.deliveryQueueUrl]: '',
  [FUNCTION_ENV.logLevel]: 'SILENT',
};
const lastLine = (stderr: string): string => stderr.trim().split('\n').at(-1) ?? '';

afterAll(() => stopAll());

describe('npm run invoke: errors a person fixes in an editor', () => {
  it.each([
    ['a bad value on line 3', '{\n  "type": "event_processing_request",\n  "id": x\n}', 'line 3 column 9, position 48'],
    ['a cut-off file', '{"type": "event_processing_request",\n "id": ', 'line 2 column 8, position 44'],
    ['text after the object', '{"id": "a"}\n}', 'line 2 column 1, position 12'],
  ])(
    '%s: exit 1 with the line and column of the mistake',
    async (name, content, place) => {
      // Prepare
      const file = path.join(scratch, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, content);
      // Act
      const result = await runCli(tsx, ['scripts/invoke.ts', file], { env, timeoutMs: 30_000 });
      // Assess
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(lastLine(result.stderr)).toBe(`invalid request: input is not valid JSON (at ${place})`);
    },
    60_000,
  );

  it('a mapping that does not compile: exit 3 with the file, line and column (from the type check, before the code loads)', async () => {
    // Prepare: an integration (a copy outside the tree) whose mapping.ts has a syntax error on line 3.
    const dir = mkdtempSync(path.join(tmpdir(), 'invoke-syntax-'));
    writeFileSync(
      path.join(dir, 'mapping.ts'),
      `import type { EventProcessingRequest } from ${JSON.stringify(path.join(PROJECT_ROOT, 'lambda/firehose'))};\n` +
        'export const mapEvents = (request: EventProcessingRequest) => {\n' +
        "  return { path: '/events', body: { id: request.id } ;\n" +
        '};\n',
    );
    writeFileSync(
      path.join(dir, 'index.ts'),
      `import { integration as kit } from ${JSON.stringify(path.join(PROJECT_ROOT, 'test/support/kit-integration'))};\n` +
        "import { mapEvents } from './mapping';\nexport const integration = { ...kit, mapEvents };\n",
    );
    // Act
    const result = await runCli(tsx, ['scripts/invoke.ts', path.join('events', 'event-batch.json')], {
      env: { ...env, [LOCAL_ENV.localIntegrationModule]: path.join(dir, 'index.ts') },
      timeoutMs: 30_000,
    });
    // Assess
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    // The type check runs before the code loads, so the compiler names the place (line, column) first.
    const escaped = path.join(dir, 'mapping.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(result.stderr).toMatch(new RegExp(`${escaped}\\(\\d+,\\d+\\): error TS1005: '}' expected`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
