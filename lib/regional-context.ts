/** Context settings that can differ by region: mParticle's accounts and the alarm topic. */

import { CONTEXT_KEYS, MPARTICLE_ACCOUNTS } from './context-keys';
import { parseJsonString, readString, readStringList } from './context-values';

/**
 * One topic ARN, or a map by region: CloudWatch alarms can only notify a topic in their own region, so a
 * single ARN serves only the stack in that ARN's region.
 */
export function readAlarmTopicArn(raw: unknown): (region: string) => string | undefined {
  const key = CONTEXT_KEYS.alarmTopicArn;
  const value = parseJsonString(raw);
  const byRegion = new Map<string, string>();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [region, arn] of Object.entries(value)) {
      const topicArn = readString(arn, `${key}.${region}`);
      if (topicArn !== undefined) byRegion.set(region, topicArn);
    }
  } else {
    const topicArn = readString(value, key);
    if (topicArn !== undefined) byRegion.set(topicRegion(topicArn), topicArn);
  }
  for (const [region, arn] of byRegion) {
    if (topicRegion(arn) !== region) throw new Error(`context "${key}": ${arn} is not in ${region}`);
  }
  return (region) => byRegion.get(region);
}

function topicRegion(arn: string): string {
  const region = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[\w.-]+$/.exec(arn)?.[1];
  if (region === undefined)
    throw new Error(`context "${CONTEXT_KEYS.alarmTopicArn}": "${arn}" is not an SNS topic ARN`);
  return region;
}

/** A list, or a per-region map with an optional "default" entry; regions without an entry get mParticle's two accounts. */
export function readAccounts(raw: unknown): (region: string) => readonly string[] {
  const key = CONTEXT_KEYS.mparticleAccounts;
  const value = parseJsonString(raw);
  if (value === undefined) return () => MPARTICLE_ACCOUNTS;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const byRegion = new Map<string, readonly string[]>();
    for (const [region, list] of Object.entries(value)) {
      byRegion.set(region, checkAccounts(readStringList(list, `${key}.${region}`) ?? [], `${key}.${region}`));
    }
    return (region) => byRegion.get(region) ?? byRegion.get('default') ?? MPARTICLE_ACCOUNTS;
  }
  const list = checkAccounts(readStringList(value, key) ?? [], key);
  return () => list;
}

function checkAccounts(accounts: string[], key: string): readonly string[] {
  if (accounts.length === 0) throw new Error(`context "${key}" must list at least one account`);
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account)) throw new Error(`context "${key}": "${account}" is not a 12-digit AWS account id`);
  }
  if (new Set(accounts).size !== accounts.length) throw new Error(`context "${key}" lists an account twice`);
  return accounts;
}
