import type { LambdaApi } from './lambda-api';
import { describeError } from './invoke-target';
import { EXPECTED_MEMORY_MB, MPARTICLE_ACCOUNTS, type CheckResult } from './types';

/**
 * What only AWS can say about a deployed alias: who may invoke it (GetPolicy on the alias) and the memory
 * of the function version behind it (GetFunctionConfiguration on the alias).
 */
export interface AliasRef {
  readonly name: string;
  readonly qualifier: string | undefined;
  readonly region: string;
  readonly label: string;
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: string | { readonly AWS?: string | string[]; readonly Service?: string | string[] };
}

export async function deploymentChecks(api: LambdaApi, alias: AliasRef): Promise<CheckResult[]> {
  const where = { region: alias.region, target: alias.label };
  if (!alias.qualifier) {
    return [
      {
        ...where,
        check: 'invoke permission',
        status: 'fail',
        detail:
          'no alias in the function reference: give mParticle the IngressAliasArn output (…:function:<name>:live)',
      },
    ];
  }
  const input = { FunctionName: alias.name, Qualifier: alias.qualifier };
  const [policy, memory] = await Promise.all([
    api.getPolicy(input).then(
      (out) => permissionCheck(out.Policy),
      (error: unknown) => [`could not read the alias's policy: ${describeError(error)}`],
    ),
    api.getFunctionConfiguration(input).then(
      (out) =>
        out.MemorySize === EXPECTED_MEMORY_MB
          ? []
          : [`the function has ${out.MemorySize ?? '?'} MB; mParticle asks for ${EXPECTED_MEMORY_MB} MB`],
      (error: unknown) => [`could not read the function configuration: ${describeError(error)}`],
    ),
  ]);
  return [
    {
      ...where,
      check: 'invoke permission',
      status: policy.length ? 'fail' : 'pass',
      detail: policy.join('; ') || `only mParticle's accounts (${MPARTICLE_ACCOUNTS.join(', ')}) may invoke the alias`,
    },
    {
      ...where,
      check: 'memory',
      status: memory.length ? 'fail' : 'pass',
      detail: memory.join('; ') || `${EXPECTED_MEMORY_MB} MB`,
    },
  ];
}

/** Problems with a resource policy document: mParticle's accounts missing, or anyone else allowed. */
export function permissionCheck(policyText: string | undefined): string[] {
  let statements: Statement[];
  try {
    statements = (JSON.parse(policyText ?? '') as { Statement?: Statement[] }).Statement ?? [];
  } catch {
    return ['the alias has no readable resource policy: mParticle cannot invoke it'];
  }
  const principals = statements
    .filter(
      (s) =>
        s.Effect === 'Allow' && [s.Action ?? []].flat().some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*'),
    )
    .flatMap((s) => principalsOf(s.Principal));
  const accounts = principals.map(accountOf);
  const problems: string[] = [];
  const missing = MPARTICLE_ACCOUNTS.filter((account) => !accounts.includes(account));
  if (missing.length) problems.push(`mParticle's account(s) ${missing.join(', ')} may not invoke the alias`);
  const others = [
    ...new Set(principals.filter((p) => !(MPARTICLE_ACCOUNTS as readonly string[]).includes(accountOf(p)))),
  ];
  if (others.length) problems.push(`others may invoke it too: ${others.join(', ')}`);
  return problems;
}

function principalsOf(principal: Statement['Principal']): string[] {
  if (principal === undefined) return [];
  if (typeof principal === 'string') return [principal];
  return [principal.AWS ?? [], principal.Service ?? []].flat();
}

/** `arn:aws:iam::123456789012:root` or `123456789012` → the account id; anything else unchanged. */
const accountOf = (principal: string): string =>
  /^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::root)?$/.exec(principal)?.[1] ?? principal;
