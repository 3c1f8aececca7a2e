import type { Template } from 'aws-cdk-lib/assertions';

/** The slice of a CloudFormation resource the tests read; values stay `unknown` until a test narrows them. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export function resourcesOfType(template: Template, type: string): Array<[string, CfnResourceJson]> {
  return Object.entries(template.findResources(type) as Record<string, CfnResourceJson>);
}

export function propertiesOf(template: Template, logicalId: string): Record<string, unknown> {
  const resource = (template.toJSON() as { Resources: Record<string, CfnResourceJson> }).Resources[logicalId];
  if (resource === undefined) throw new Error(`no resource ${logicalId}`);
  return resource.Properties ?? {};
}

/** Statements of every AWS::IAM::Policy attached to the role. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.['Roles']) === JSON.stringify([{ Ref: roleLogicalId }]))
    .flatMap(
      ([, policy]) =>
        (policy.Properties?.['PolicyDocument'] as { Statement: PolicyStatementJson[] } | undefined)?.Statement ?? [],
    );
}

export function actionsOf(statements: readonly PolicyStatementJson[]): string[] {
  return statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
}

type PolicyDocumentJson = { readonly Statement: PolicyStatementJson[] };

/**
 * Every statement of every identity policy in the template: AWS::IAM::Policy and ManagedPolicy documents
 * and the inline `Policies` of roles, users and groups. Resource policies (key, queue, bucket) are not IAM
 * policies and are left out.
 */
export function allPolicyStatements(template: Template): PolicyStatementJson[] {
  const documents: PolicyDocumentJson[] = [
    ...['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
      resourcesOfType(template, type).map(([, policy]) => policy.Properties?.['PolicyDocument'] as PolicyDocumentJson),
    ),
    ...['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].flatMap((type) =>
      resourcesOfType(template, type).flatMap(([, owner]) =>
        ((owner.Properties?.['Policies'] ?? []) as Array<{ PolicyDocument: PolicyDocumentJson }>).map(
          (inline) => inline.PolicyDocument,
        ),
      ),
    ),
  ];
  return documents.flatMap((document) => document.Statement);
}

/** Whether a statement's Resource is `*`, alone or in a list. */
export function grantsEveryResource(statement: PolicyStatementJson): boolean {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.some((resource) => resource === '*');
}

/** `{ Ref: id }` or `{ 'Fn::GetAtt': [id, …] }` naming the resource, as a string for easy comparison. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}
