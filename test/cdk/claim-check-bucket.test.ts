import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirehoseIntegration } from '../../lib/firehose-integration';
import { logicalIdOf, SYNTH_HOOK_TIMEOUT_MS, standInsForMissingHandlers } from './support/synth';
import { actionsOf, statementsOfRole, type PolicyStatementJson } from './support/template-queries';
import { expectPrivateBucket } from '../support/private-bucket';
import { DELIVERY_ENV } from '../../lambda/config/environment';
import { DELIVERY_INFRASTRUCTURE } from '../../lambda/delivery/infrastructure';

/** The claim-check bucket (queue messages too large for SQS): private, encrypted, expiring, least privilege. */
describe('claim-check bucket', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'claim-check-bucket-'));
  let template: Template;
  let ids: { bucket: string; ingressRole: string; workerRole: string; httpRole: string };

  beforeAll(() => {
    // Prepare + Act: the construct alone, no bundling (the cdk-nag test synthesizes the whole app).
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'ClaimChecks', { env: { region: 'us-east-1' } });
    const firehose = new FirehoseIntegration(stack, 'Firehose', {
      partnerApiUrl: 'https://api.partner.example',
      enableHttpEndpoint: true,
      handlerEntries: standInsForMissingHandlers(),
    });
    template = Template.fromStack(stack);
    ids = {
      bucket: logicalIdOf(stack, firehose.claimCheckBucket),
      ingressRole: logicalIdOf(stack, firehose.ingressFunction.role),
      workerRole: logicalIdOf(stack, firehose.workerFunction.role),
      httpRole: logicalIdOf(stack, firehose.httpFunction?.role),
    };
  }, SYNTH_HOOK_TIMEOUT_MS);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const s3Statements = (role: string): PolicyStatementJson[] =>
    statementsOfRole(template, role).filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
  const prefixArn = () => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, `/${DELIVERY_INFRASTRUCTURE.claimCheckPrefix}*`]],
  });

  it('encrypts, blocks public access, denies requests without TLS, and expires objects after the queue, the DLQ and one redrive', () => {
    const bucket = expectPrivateBucket(template, {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ ExpirationInDays: DELIVERY_INFRASTRUCTURE.claimCheckRetentionDays, Status: 'Enabled' }),
        ],
      },
    });
    expect(bucket).toBe(ids.bucket);
    const needed = 2 * DELIVERY_INFRASTRUCTURE.queueRetentionDays + DELIVERY_INFRASTRUCTURE.deadLetterRetentionDays;
    expect(DELIVERY_INFRASTRUCTURE.claimCheckRetentionDays).toBeGreaterThanOrEqual(needed);
  });

  it('is kept when the stack is deleted', () => {
    expect(template.toJSON()['Resources'][ids.bucket]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('lets the ingress and the HTTP function only put objects, under the prefix', () => {
    for (const role of [ids.ingressRole, ids.httpRole]) {
      const statements = s3Statements(role);
      expect(actionsOf(statements)).toEqual(['s3:PutObject']);
      expect(statements.map((s) => s.Resource)).toEqual([prefixArn()]);
    }
  });

  it('lets the worker only get and put objects (markers, copies of parked ones), under the prefix, and list the bucket (a missing key is then 404, not 403)', () => {
    const statements = s3Statements(ids.workerRole);
    const objects = statements.filter((s) => !actionsOf([s]).includes('s3:ListBucket'));
    expect(actionsOf(objects).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(objects.map((s) => s.Resource)).toEqual([prefixArn()]);
    const listing = statements.filter((s) => actionsOf([s]).includes('s3:ListBucket'));
    expect(listing.map((s) => [actionsOf([s]), s.Resource])).toEqual([
      [['s3:ListBucket'], { 'Fn::GetAtt': [ids.bucket, 'Arn'] }],
    ]);
  });

  it('names the bucket to every function under the name in lambda/config/environment.ts', () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: {
          Environment: { Variables: Match.objectLike({ [DELIVERY_ENV.partnerApiUrl]: Match.anyValue() }) },
        },
      }),
    );
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(
        (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment
          .Variables[DELIVERY_ENV.claimCheckBucket],
      ).toEqual({ Ref: ids.bucket });
    }
  });
});
