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

/** Every acknowledgement in the app, once per rule and reason (several roles share one prefix wildcard's). */
function acknowledgements(synthesized: SynthesizedApp): { id: string; reason: string }[] {
  const found = new Map<string, { id: string; reason: string }>();
  for (const construct of synthesized.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [annotated, reason] of Object.entries(entry.data as Record<string, string>)) {
        // aws-cdk-lib prefixes the rule id with "Annotation::".
        const id = annotated.replace(/^annotation::/i, '');
        found.set(`${id}\n${reason}`, { id, reason });
      }
    }
  }
  return [...found.values()];
}

/** A rule as the docs name it: its id, and for a prefix wildcard (IAM5) the prefix, e.g. `AwsSolutions-IAM5 deliveries/*`. */
function ruleOf(id: string): string {
  const wildcard = /^(AwsSolutions-IAM5)\[Resource::<[^>]+>\/([^\]]+)\]$/.exec(id);
  return wildcard ? `${wildcard[1]} ${wildcard[2]}` : id;
}

/**
 * The rows of docs/deploy.md's "cdk-nag acknowledgements" table, as rules (see ruleOf): the rule column, and for
 * IAM5 the prefix its reason names. The S3 feed's row points at the feed's own files: the feed is not in this
 * synth (test/feeds/feed-construct.test.ts runs cdk-nag over it).
 */
function documentedRules(): string[] {
  const text = fs.readFileSync(path.join(__dirname, '../../docs/deploy.md'), 'utf8');
  const section = text.split(/^## /m).find((part) => part.startsWith('cdk-nag acknowledgements'));
  if (section === undefined) throw new Error('docs/deploy.md has no "cdk-nag acknowledgements" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, , where]) => !where?.includes('(`feed`)'))
    .map(([, rule, , reason]) => {
      const id = /^`([^`]+)`$/.exec(rule ?? '')?.[1] ?? `unreadable rule cell: ${rule}`;
      if (id !== 'AwsSolutions-IAM5') return id;
      return `${id} ${/`(\w+\/\*)`/.exec(reason ?? '')?.[1] ?? `no prefix named in: ${reason}`}`;
    });
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
    // Prepare
    const documented = documentedRules();
    // Act
    const acknowledged = acknowledgements(synthesized);
    // Assess: the same rules as many times (one row per acknowledgement), and a reason for each.
    expect(documented.length).toBeGreaterThanOrEqual(5);
    expect(acknowledged.map(({ id }) => ruleOf(id)).sort()).toEqual(documented.sort());
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(40);
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
