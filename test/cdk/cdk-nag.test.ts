import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import {
  cdkJsonContext,
  type SynthesizedApp,
  standInsForMissingHandlers,
  synthesizeBeforeAll,
  TEST_PARTNER_API_URL,
} from './support/synth';

/** The shape of aws-cdk-lib's validation-report.json, as far as these tests read it. */
interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{ readonly ruleName: string; readonly severity: string }>;
  }>;
}

/** Every acknowledgement in the app, by rule id (without the "Annotation::" prefix aws-cdk-lib adds). */
function acknowledgements(synthesized: SynthesizedApp): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of synthesized.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(id.replace(/^annotation::/i, ''), reason);
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutionsChecks with every feature on', () => {
  // Prepare + Act: synth throws if any validation plugin (cdk-nag, CloudFormation rules) reports an error.
  const synthesized = synthesizeBeforeAll(
    {
      partnerApiUrl: TEST_PARTNER_API_URL,
      httpEndpoint: true,
      alarmEmail: 'ops@example.com',
      provisionedConcurrency: 2,
      capture: true,
    },
    { cloudFormationValidation: true },
  );
  let report: ValidationReport;

  beforeAll(() => {
    const reportFile = path.join(synthesized.assembly.directory, 'validation-report.json');
    // Read unconditionally: a missing report (no validation plugin ran) must fail these tests, not pass them.
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport;
  });

  it('reports no error-level violation from any plugin', () => {
    const errors = report.pluginReports.flatMap((plugin) => plugin.violations.filter((v) => v.severity === 'error'));
    expect(errors).toEqual([]);
  });

  it('leaves no cdk-nag finding unacknowledged, not even a warning', () => {
    const nag = report.pluginReports.filter((plugin) => plugin.pluginName.startsWith('AwsSolutions'));
    expect(nag.flatMap((plugin) => plugin.violations.map((v) => v.ruleName))).toEqual([]);
  });

  it('acknowledges exactly the findings listed in docs/deploy.md, each with a reason', () => {
    const acknowledged = acknowledgements(synthesized);
    // The prefix wildcards are named after their bucket's logical id.
    const ids = [...acknowledged.keys()].map((id) =>
      id
        .replace(/<\w*ClaimCheck\w+\.Arn>/, '<ClaimCheckBucket.Arn>')
        .replace(/<\w*RequestCapture\w+\.Arn>/, '<RequestCaptureBucket.Arn>'),
    );
    expect(ids.sort()).toEqual([
      'AwsSolutions-IAM5[Resource::<ClaimCheckBucket.Arn>/deliveries/*]',
      'AwsSolutions-IAM5[Resource::<RequestCaptureBucket.Arn>/captures/*]',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SNS2',
    ]);
    for (const reason of acknowledged.values()) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('cdk-nag wiring', () => {
  it('fails the synth on an unacknowledged finding', () => {
    // Prepare: a queue with neither a DLQ nor TLS enforcement.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-wiring-'));
    const { app, stacks } = buildApp({
      outdir,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], partnerApiUrl: TEST_PARTNER_API_URL },
      cloudFormationValidation: false,
      handlerEntries: standInsForMissingHandlers(),
    });
    const stack = [...stacks.values()][0];
    if (stack === undefined) throw new Error('no stack');
    new sqs.Queue(stack, 'CarelessQueue');

    // Act + Assess
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
