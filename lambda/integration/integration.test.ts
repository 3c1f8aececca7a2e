import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { plannedCalls } from '../core/planned-calls';
import { checkRegistration, parseJson, SettingError } from '../firehose';
import { authHeaders } from './auth';
import { integration } from './index';

/**
 * The example integration's own tests: the only tests a partner rewrites together with this folder (the kit's
 * tests run an integration of their own, test/support/kit-integration).
 *
 * Golden partner calls: for each sample in events/, the calls the kit would send to the partner (path, auth
 * headers, body) are compared with golden/<sample>.json, a file a person has read and judged right against the
 * partner's API (docs/partner-api.md for this example). When a mapping change makes this fail, read the
 * difference: if the new calls are what the partner's API expects, rewrite the files with
 * `UPDATE_GOLDEN=1 npx vitest run lambda/integration`, read `git diff lambda/integration/golden/` line by
 * line, and commit them as a reviewed change. Updating them is a human decision, never a reflex to go green.
 */

const ROOT = path.resolve(__dirname, '../..');
const GOLDEN_DIR = path.join(__dirname, 'golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** The samples with a golden file: an explicit list, so a stray file in events/ is never a test case. */
const SAMPLES = [
  'audience-membership-add',
  'audience-membership-attribute-update',
  'audience-membership-delete',
  'audience-membership-verification',
  'audience-membership-verification-empty',
  'audience-subscription-add',
  'audience-subscription-remove',
  'audience-subscription-update',
  'dsr-erasure',
  'event-batch',
  'event-batch-int64',
  'event-batch-unknown-type',
  'event-verification-empty',
  'event-verification-no-events',
  'module-registration',
] as const;

/** Stands in for the partner-level credential (Secrets Manager in AWS). */
const PARTNER_TOKEN = 'partner-credential-for-golden-files';

const partnerCalls = (sample: string) =>
  plannedCalls(integration, readFileSync(path.join(ROOT, 'events', `${sample}.json`)), PARTNER_TOKEN);

describe('the example integration: golden partner calls for every sample in events/', () => {
  it('lists every sample in events/ (a new sample gets a golden file, reviewed, before it counts as covered)', () => {
    const samples = readdirSync(path.join(ROOT, 'events'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length));
    expect([...SAMPLES].sort()).toEqual(samples.sort());
  });

  it.each(SAMPLES)('%s', async (sample) => {
    const actual = await partnerCalls(sample);
    const file = path.join(GOLDEN_DIR, `${sample}.json`);
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, `${stringify(actual, undefined, 2)}\n`);
    }
    // Never created silently: a missing golden file is a call nobody has reviewed yet.
    expect(existsSync(file), `${path.relative(ROOT, file)} is missing (see the note at the top of this file)`).toBe(
      true,
    );
    // Compared as values, 64-bit integers as bigint: the file's layout (Biome formats it) does not matter.
    expect(actual).toEqual(parseJson(readFileSync(file, 'utf8')));
  });
});

describe('the example integration: registration and auth', () => {
  it('declares a registration that follows the protocol rules', () => {
    expect(checkRegistration(integration.registration)).toEqual([]);
  });

  it("authenticates with the customer's key, and an erasure without one with the partner's credential", async () => {
    const partnerCredential = async () => PARTNER_TOKEN;
    expect(
      await authHeaders({ secrets: { apiKey: 'k1' }, requestType: 'event_processing_request', partnerCredential }),
    ).toEqual({ authorization: 'Bearer k1' });
    expect(await authHeaders({ secrets: {}, requestType: 'dsr_processing_request', partnerCredential })).toEqual({
      authorization: `Bearer ${PARTNER_TOKEN}`,
    });
    await expect(
      authHeaders({ secrets: {}, requestType: 'audience_subscription_request', partnerCredential }),
    ).rejects.toBeInstanceOf(SettingError);
  });
});
