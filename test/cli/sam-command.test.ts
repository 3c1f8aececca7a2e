import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firehoseStackName } from '../../lib/firehose-stack';
import { resourcesOfType } from '../cdk/support/template-queries';
import { PROJECT_ROOT, synthesizeBeforeAll } from '../cdk/support/synth';

const synthesized = synthesizeBeforeAll();

describe('the exact `sam local invoke` command', () => {
  it('is a stack output naming this template file and the ingress function logical id', () => {
    // Act
    const template = synthesized.template();
    const outputs = template.findOutputs('SamLocalInvokeCommand');
    // Assess
    const command = String(outputs['SamLocalInvokeCommand']?.['Value']);
    const match = /^sam local invoke -t cdk\.out\/(\S+)\.template\.json (\S+) -e events\/event-batch\.json$/.exec(
      command,
    );
    expect(match, command).not.toBeNull();
    expect(match?.[1]).toBe(firehoseStackName('us-east-1'));
    expect(synthesized.assembly.getStackArtifact(match?.[1] ?? '').templateFile).toBe(`${match?.[1]}.template.json`);
    const functions = Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function'));
    const ingress = functions[match?.[2] ?? ''];
    expect(ingress, `${match?.[2]} is not a function in the template`).toBeDefined();
    expect(String(ingress?.Properties?.['Handler'])).not.toMatch(/worker|http/i);
  });

  it('is the one README.md prints, so it can be pasted', () => {
    const command = String(
      synthesized.template().findOutputs('SamLocalInvokeCommand')['SamLocalInvokeCommand']?.['Value'],
    );
    expect(readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain(command);
  });
});
