import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allPolicyStatements, grantsEveryResource, type PolicyStatementJson } from './support/template-queries';

/** The template helpers the least-privilege tests rely on must see what they claim to see. */
describe('template queries', () => {
  const statement = (Resource: unknown): PolicyStatementJson => ({ Effect: 'Allow', Action: 's3:GetObject', Resource });

  it.each<[unknown, boolean]>([
    ['*', true],
    [['*'], true],
    [['arn:aws:s3:::bucket/*', '*'], true],
    ['arn:aws:s3:::bucket/*', false],
    [[{ 'Fn::GetAtt': ['Queue', 'Arn'] }], false],
  ])('reads Resource %j as every resource: %s', (resource, expected) => {
    expect(grantsEveryResource(statement(resource))).toBe(expected);
  });

  it('finds statements in IAM policies, managed policies and the inline policies of roles', () => {
    // Prepare
    const document = (sid: string) => ({
      Statement: [{ Sid: sid, Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }],
    });
    const template = Template.fromJSON({
      Resources: {
        P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: document('policy') } },
        M: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: document('managed') } },
        R: {
          Type: 'AWS::IAM::Role',
          Properties: { Policies: [{ PolicyName: 'inline', PolicyDocument: document('inline') }] },
        },
      },
    });

    // Act
    const found = allPolicyStatements(template) as Array<PolicyStatementJson & { Sid: string }>;

    // Assess
    expect(found.map((s) => s.Sid).sort()).toEqual(['inline', 'managed', 'policy']);
  });
});
