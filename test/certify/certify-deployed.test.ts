import type { GetPolicyCommandInput, InvokeCommandInput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localLambdaApi, type LambdaApi } from '../../certify/lambda-api';
import { runCertify } from '../../certify/run';
import { certifyArgs, certifyDeps, failures, row } from '../support/certify';
import { kitResponder, startFakeInvokeApi, type FakeServer } from '../support/fake-firehose-endpoints';
import { PLATFORM_ENV } from '../../lambda/config/environment';
import { UsageError } from '../../local/errors';

/**
 * The deployed-alias path with AWS injected: invocations reach the kit's real ingress on loopback, and the
 * fake answers GetPolicy and GetFunctionConfiguration as AWS would for the stack's alias.
 */

const ALIAS = (region: string) =>
  `arn:aws:lambda:${region}:123456789012:function:MparticleFirehose-${region}-Ingress:live`;
const grant = (account: string) => ({
  Effect: 'Allow',
  Action: 'lambda:InvokeFunction',
  Principal: { AWS: `arn:aws:iam::${account}:root` },
});
const GOOD_POLICY = { Version: '2012-10-17', Statement: [grant('338661164609'), grant('457804467337')] };

interface FakeAws {
  readonly policy?: unknown;
  readonly memoryMb?: number;
  readonly policyError?: Error;
}

let kit: FakeServer;
const calls: { region: string; op: string; input: unknown }[] = [];

beforeAll(async () => {
  kit = await startFakeInvokeApi(kitResponder());
});
afterAll(async () => {
  await kit?.close();
});

/** A Lambda API for a region: Invoke forwarded to the kit on loopback (plus a REPORT line), the rest from `aws`. */
function fakeAws(aws: FakeAws) {
  return (region: string): LambdaApi => {
    const local = localLambdaApi(kit.url, region);
    let invokes = 0;
    return {
      async invoke(input: InvokeCommandInput) {
        calls.push({ region, op: 'Invoke', input: { FunctionName: input.FunctionName, LogType: input.LogType } });
        const out = await local.invoke({ ...input, LogType: undefined });
        const init = invokes++ === 0 ? '\tInit Duration: 250.00 ms' : '';
        const report = `START RequestId: r\nREPORT RequestId: r\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\tMax Memory Used: 80 MB${init}\t\n`;
        return { ...out, LogResult: Buffer.from(report).toString('base64') };
      },
      async getPolicy(input: GetPolicyCommandInput) {
        calls.push({ region, op: 'GetPolicy', input });
        if (aws.policyError) throw aws.policyError;
        return { Policy: JSON.stringify(aws.policy ?? GOOD_POLICY), $metadata: {} };
      },
      async getFunctionConfiguration(input) {
        calls.push({ region, op: 'GetFunctionConfiguration', input });
        return { MemorySize: aws.memoryMb ?? 1024, $metadata: {} };
      },
      close: () => local.close(),
    };
  };
}

describe('certify a deployed alias (AWS injected)', () => {
  it('passes, reading the policy and memory of the alias and judging latency on the REPORT duration', async () => {
    // Prepare
    calls.length = 0;

    // Act
    const results = await runCertify(
      certifyArgs({ kind: 'function', ref: ALIAS('eu-west-1'), region: undefined, profile: 'partner' }),
      certifyDeps({ awsLambda: fakeAws({}) }),
    );

    // Assess
    expect(failures(results)).toEqual([]);
    expect(row(results, 'invoke permission').detail).toBe(
      "only mParticle's accounts (338661164609, 457804467337) may invoke the alias",
    );
    expect(row(results, 'memory').detail).toBe('1024 MB');
    expect(row(results, 'latency: warm')).toMatchObject({
      latency: 'p50 13 ms / p99 13 ms',
      detail: expect.stringContaining('function duration (REPORT line)'),
    });
    // The cold call counts its init: 250 + 12.5 ms, over the budget, reported as a note.
    expect(row(results, 'latency: first call')).toMatchObject({
      status: 'note',
      latency: '263 ms',
      detail: expect.stringContaining('cold start (init 250 ms)'),
    });
    const qualified = { FunctionName: 'MparticleFirehose-eu-west-1-Ingress', Qualifier: 'live' };
    expect(calls).toContainEqual({ region: 'eu-west-1', op: 'GetPolicy', input: qualified });
    expect(calls).toContainEqual({ region: 'eu-west-1', op: 'GetFunctionConfiguration', input: qualified });
    expect(calls).toContainEqual({
      region: 'eu-west-1',
      op: 'Invoke',
      input: { FunctionName: ALIAS('eu-west-1'), LogType: 'Tail' },
    });
  });

  it('fails the permission check when an mParticle account is missing or anyone else may invoke', async () => {
    const policy = {
      Statement: [grant('338661164609'), { Effect: 'Allow', Action: 'lambda:InvokeFunction', Principal: '*' }],
    };
    const results = await runCertify(
      certifyArgs({ kind: 'function', ref: ALIAS('us-east-1'), region: undefined, profile: undefined }),
      certifyDeps({ awsLambda: fakeAws({ policy }) }),
    );
    expect(failures(results).map((r) => [r.check, r.region, r.detail])).toEqual([
      [
        'invoke permission',
        'us-east-1',
        "mParticle's account(s) 457804467337 may not invoke the alias; others may invoke it too: *",
      ],
    ]);
  });

  it('fails the memory check below 1024 MB, and the alias check for an unqualified function', async () => {
    const small = await runCertify(
      certifyArgs({ kind: 'function', ref: ALIAS('us-east-1'), region: undefined, profile: undefined }),
      certifyDeps({ awsLambda: fakeAws({ memoryMb: 512 }) }),
    );
    expect(row(small, 'memory')).toMatchObject({
      status: 'fail',
      detail: 'the function has 512 MB; mParticle asks for 1024 MB',
    });
    const unqualified = await runCertify(
      certifyArgs({ kind: 'function', ref: 'firehose-ingress', region: 'us-east-1', profile: undefined }),
      certifyDeps({ awsLambda: fakeAws({}) }),
    );
    expect(row(unqualified, 'invoke permission')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('no alias in the function reference'),
    });
  });

  it('certifies every region of an outputs file at once, naming the region of each failure, and never prints a credential', async () => {
    // Prepare
    const outputs = {
      'MparticleFirehose-us-east-1': { IngressAliasArn: ALIAS('us-east-1'), DeliveryQueueUrl: 'https://sqs…' },
      'MparticleFirehose-eu-west-1': { IngressAliasArn: ALIAS('eu-west-1') },
    };
    const denied = new Error(
      'AccessDeniedException: caller AKIAABCDEFGHIJKLMNOP with secret planted-secret-value is not authorized',
    );
    const awsLambda = (region: string) => fakeAws(region === 'eu-west-1' ? { policyError: denied } : {})(region);

    // Act
    const results = await runCertify(
      certifyArgs({ kind: 'outputs', file: 'cdk-outputs.json', profile: undefined, tokenEnv: undefined }),
      certifyDeps({
        awsLambda,
        readFile: () => JSON.stringify(outputs),
        env: { [PLATFORM_ENV.awsSecretAccessKey]: 'planted-secret-value' },
      }),
    );

    // Assess
    expect(new Set(results.map((r) => r.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(failures(results).map((r) => [r.check, r.region])).toEqual([['invoke permission', 'eu-west-1']]);
    const text = JSON.stringify(results);
    expect(text).toContain('could not read the alias');
    expect(text).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(text).not.toContain('planted-secret-value');
  });

  it('refuses a deployed function without a region, and an outputs file without an alias', async () => {
    await expect(
      runCertify(
        certifyArgs({ kind: 'function', ref: 'firehose-ingress:live', region: undefined, profile: undefined }),
        certifyDeps(),
      ),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      runCertify(
        certifyArgs({ kind: 'outputs', file: 'x.json', profile: undefined, tokenEnv: undefined }),
        certifyDeps({ readFile: () => '{"Stack":{"Other":"x"}}' }),
      ),
    ).rejects.toThrow('no stack in the outputs file has an IngressAliasArn output');
  });
});
