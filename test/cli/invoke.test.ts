import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { customEvents, eventBatch, membershipChange, profiles } from '../support/factories';
import { inBatches, PROJECT_ROOT, runCli, type CliResult } from '../support/run-cli';
import { SAMPLE_FILES } from '../support/samples';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

const eventsDir = path.join(PROJECT_ROOT, 'events');
const samples = [...SAMPLE_FILES];
const scratch = mkdtempSync(path.join(tmpdir(), 'invoke-cli-'));
// Unset delivery settings: the CLI must run its dry run, whatever the developer's shell has.
const env = { [DELIVERY_ENV.partnerApiUrl]: '', [DELIVERY_ENV.deliveryQueueUrl]: '', [FUNCTION_ENV.logLevel]: 'INFO' };

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
const invoke = (file: string): Promise<CliResult> => runCli(tsx, ['scripts/invoke.ts', file], { env });
/** stderr without npm's own warnings about the machine's npm config. */
const ownLines = (stderr: string): string[] =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'));

function writeScratch(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

const expectedResponse: Record<string, string> = {
  module_registration_request: 'module_registration_response',
  event_processing_request: 'event_processing_response',
  audience_subscription_request: 'audience_subscription_response',
  audience_membership_change_request: 'audience_membership_change_response',
  dsr_processing_request: 'dsr_processing_response',
};

describe('npm run invoke on every sample in events/', () => {
  let results: CliResult[] = [];
  beforeAll(async () => {
    results = await inBatches(samples, 3, (file) => invoke(path.join('events', file)));
  }, 120_000);

  it.each(samples.map((file, index) => [file, index] as const))(
    '%s: exit 0, exactly one response object on stdout',
    (file, index) => {
      const result = results[index] as CliResult;
      const request = JSON.parse(readFileSync(path.join(eventsDir, file), 'utf8')) as { type: string };
      expect(result.code, result.stderr).toBe(0);
      const response = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(response['type']).toBe(expectedResponse[request.type]);
      expect(result.stderr).toContain('dry run');
    },
  );

  it('logs a dry run with outcome "dry-run", never "delivered" or "queued": nothing was sent', () => {
    const handled = (file: string) =>
      ownLines((results[samples.indexOf(file as (typeof samples)[number])] as CliResult).stderr)
        .filter((line) => line.includes('"message":"handled"'))
        .map((line) => JSON.parse(line) as { outcome: string });
    expect(handled('event-batch.json')).toEqual([expect.objectContaining({ outcome: 'dry-run' })]);
    expect(handled('audience-membership-add.json')).toEqual([expect.objectContaining({ outcome: 'dry-run' })]);
    expect(handled('event-verification-empty.json')).toEqual([expect.objectContaining({ outcome: 'verification' })]);
  });
});

describe('npm run invoke on bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"type": "event_processing_request", "id": ', /not valid JSON/],
    ['an array', '[]', /expected a JSON object/],
    ['no type', '{"id":"x"}', /type: is required/],
    ['a numeric type', '{"type":1,"id":"x"}', /type: must be a string/],
    ['an unknown type', '{"type":"mystery_request","id":"x"}', /unknown message type "mystery_request"/],
    ['a response', '{"type":"dsr_processing_response","id":"x"}', /is a response type/],
    ['events not an array', '{"type":"event_processing_request","id":"x","events":{}}', /events: must be an array/],
    [
      'an event that is not an object',
      '{"type":"event_processing_request","id":"x","events":[3]}',
      /events\[0\]: must be an object/,
    ],
    [
      'an event without type',
      '{"type":"event_processing_request","id":"x","events":[{"type":"session_start"},{}]}',
      /events\[1\]\.type: is required/,
    ],
    [
      'user_profiles not an array',
      '{"type":"audience_membership_change_request","id":"x","user_profiles":7}',
      /user_profiles: expected an array/,
    ],
    [
      'audiences not an array',
      '{"type":"audience_membership_change_request","id":"x","user_profiles":[{"mpid":"1","audiences":"all"}]}',
      /user_profiles\[0\]\.audiences: expected an array/,
    ],
  ];
  let results: CliResult[] = [];
  beforeAll(async () => {
    results = await inBatches(cases, 3, ([name, content]) =>
      invoke(writeScratch(`${name.replace(/\W+/g, '-')}.json`, content)),
    );
  }, 120_000);

  it.each(cases.map((c, index) => [c[0], c[2], index] as const))(
    '%s: exit 1, the field named, no response, no stack',
    (_name, message, index) => {
      const result = results[index] as CliResult;
      expect(result.code).toBe(1);
      expect(result.stdout).not.toMatch(/_response/);
      expect(result.stdout.trim()).toBe('');
      const lastLine = ownLines(result.stderr).at(-1) ?? '';
      expect(lastLine).toMatch(/^invalid request: /);
      expect(lastLine).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(ownLines(result.stderr).length).toBeLessThanOrEqual(3);
    },
  );

  it('a missing file: non-zero exit and a one-line reason', async () => {
    const result = await invoke(path.join(scratch, 'absent.json'));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toMatch(/cannot read .*absent\.json: ENOENT/);
  });
});

describe('npm run invoke at scale and through npm', () => {
  it('handles 5,000 profiles and 1,000 events through `npm run --silent invoke -- /absolute/path`', async () => {
    // Prepare
    const membership = writeScratch('profiles-5000.json', JSON.stringify(membershipChange(profiles(5_000))));
    const events = writeScratch('events-1000.json', JSON.stringify(eventBatch(customEvents(1_000))));
    expect(readFileSync(membership).length).toBeGreaterThan(1_500_000);
    // Act
    const [a, b] = await Promise.all(
      [membership, events].map((file) => runCli('npm', ['run', '--silent', 'invoke', '--', file], { env })),
    );
    // Assess
    for (const result of [a, b] as CliResult[]) {
      expect(result.code, result.stderr.slice(-500)).toBe(0);
      expect(Object.keys(JSON.parse(result.stdout) as object)).toContain('type');
    }
    expect(JSON.parse(a?.stdout ?? '')).toMatchObject({ type: 'audience_membership_change_response' });
  }, 60_000);

  it('keeps a 64-bit session id exact in what it would send', async () => {
    const result = await invoke(path.join('events', 'event-batch-int64.json'));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('\\"session_id\\":-9007199254740993');
    expect(result.stderr).toContain('\\"session_length_ms\\":9007199254740993');
  });
});

describe('npm run invoke on a mapping bug', () => {
  it('names the mapping file and line and exits 3, not "delivery failed"', async () => {
    // Prepare: an integration (a copy outside the tree) whose mapping reads a field that is not there.
    const dir = mkdtempSync(path.join(tmpdir(), 'invoke-mapping-'));
    writeFileSync(
      path.join(dir, 'mapping.ts'),
      `import type { EventProcessingRequest } from ${JSON.stringify(path.join(PROJECT_ROOT, 'lambda/firehose'))};\n` +
        'export const mapEvents = (request: EventProcessingRequest) => {\n' +
        '  const user = (request as unknown as { user: { name: string } }).user;\n' +
        "  return { path: '/events', body: { name: user.name.toUpperCase() } };\n" +
        '};\n',
    );
    writeFileSync(
      path.join(dir, 'index.ts'),
      `import { integration as kit } from ${JSON.stringify(path.join(PROJECT_ROOT, 'test/support/kit-integration'))};\n` +
        "import { mapEvents } from './mapping';\nexport const integration = { ...kit, mapEvents };\n",
    );

    // Act: the module named relative to where the command was typed (npm sets INIT_CWD to it), as a partner does
    const result = await runCli(tsx, ['scripts/invoke.ts', path.join(PROJECT_ROOT, 'events', 'event-batch.json')], {
      env: { ...env, [PLATFORM_ENV.initCwd]: dir, [LOCAL_ENV.localIntegrationModule]: 'index.ts' },
    });

    // Assess: the module that was type-checked is the one that ran, and its own line is named
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(ownLines(result.stderr).at(-1)).toMatch(
      new RegExp(
        `^mapping error at ${path.join(dir, 'mapping.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: TypeError: `,
      ),
    );
  });
});

describe('npm run invoke on a mapping typo', () => {
  it('type-checks the integration first: a misspelled field exits 3 naming file, line and field, and runs nothing', async () => {
    // Prepare: a copy of the tests' integration whose mapping misspells `user_identities`; tsx alone would run
    // it and send the batch without the field.
    const dir = mkdtempSync(path.join(tmpdir(), 'invoke-typo-'));
    const kit = path.join(PROJECT_ROOT, 'test/support/kit-integration');
    writeFileSync(
      path.join(dir, 'mapping.ts'),
      `import { mapEvents as kit } from ${JSON.stringify(path.join(kit, 'mapping'))};\n` +
        `import type { EventProcessingRequest } from ${JSON.stringify(path.join(PROJECT_ROOT, 'lambda/firehose'))};\n` +
        'export const mapEvents = (request: EventProcessingRequest) => {\n' +
        '  const call = kit(request);\n' +
        '  return call && { ...call, body: { ...(call.body as object), identities: request.user_identites } };\n' +
        '};\n',
    );
    writeFileSync(
      path.join(dir, 'index.ts'),
      `import { integration as kit } from ${JSON.stringify(kit)};\n` +
        "import { mapEvents } from './mapping';\nexport const integration = { ...kit, mapEvents };\n",
    );

    // Act
    const result = await runCli(tsx, ['scripts/invoke.ts', path.join('events', 'event-batch.json')], {
      env: { ...env, [LOCAL_ENV.localIntegrationModule]: path.join(dir, 'index.ts') },
    });

    // Assess: no response, no dry-run call logged; the compiler's own line names the typo.
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('dry run');
    expect(result.stderr).toContain(`${dir}/ does not type-check (tsc --noEmit):`);
    expect(result.stderr).toMatch(
      new RegExp(
        `${path.join(dir, 'mapping.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\(5,\\d+\\): error TS2551: Property 'user_identites' does not exist`,
      ),
    );
  });
});
