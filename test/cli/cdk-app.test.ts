import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT, runCli } from '../support/run-cli';

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-app-'));

afterAll(async () => {
  await stopAll();
  rmSync(outdir, { recursive: true, force: true });
});

/** Runs the app entry as the CDK CLI does: context in CDK_CONTEXT_JSON, the assembly folder in CDK_OUTDIR. */
const synth = (context: Record<string, unknown>) =>
  runCli(tsx, ['bin/app.ts'], {
    env: { CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    timeoutMs: 60_000,
  });

describe('the CDK app entry (what `npx cdk synth -c …` runs)', () => {
  it.each([
    [{ regions: '5' }, 'cdk app: context "regions": "5" is not an AWS region'],
    [{ partnerApiUrl: 'http://api.example.com' }, 'cdk app: context "partnerApiUrl" must be an https:// URL'],
    [{ feed: true, feedPod: 'xx9' }, 'cdk app: context "feedPod" must be one of us1, us2, eu1, au1, got "xx9"'],
  ])(
    'a bad context value %j is one line on stderr, no stack trace, exit 1',
    async (context, line) => {
      // Act
      const result = await synth(context);
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(line);
      expect(result.stderr).not.toMatch(/\n\s+at |node:internal|Node\.js v/);
      expect(result.stdout).toBe('');
    },
    90_000,
  );
});
