import { describe, expect, it } from 'vitest';
import { parseCertifyArgs } from '../../certify/cli-args';
import { regionsFromOutputs } from '../../certify/outputs-file';
import { formatTable, passed } from '../../certify/report';
import { UsageError } from '../../local/errors';

describe('certify arguments', () => {
  it('defaults to the local system', () => {
    expect(parseCertifyArgs([]).target).toEqual({
      kind: 'local',
      endpoint: 'http://127.0.0.1:3001',
      functionName: 'firehose-ingress',
    });
  });

  it('never takes a token on the command line, only the name of a variable holding it', () => {
    expect(() => parseCertifyArgs(['--url', 'https://x.example/firehose', '--token', 'secret'])).toThrow(UsageError);
    expect(parseCertifyArgs(['--url', 'https://x.example/firehose', '--token-env', 'MP_TOKEN']).target).toMatchObject({
      kind: 'http',
      tokenEnv: 'MP_TOKEN',
    });
  });

  it('refuses two targets, an unknown flag and a bad --repeat', () => {
    expect(() => parseCertifyArgs(['--function', 'f', '--url', 'https://x'])).toThrow(
      'choose one target, not --function and --url',
    );
    expect(() => parseCertifyArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseCertifyArgs(['--repeat', '0'])).toThrow('--repeat must be a whole number');
  });
});

describe('the outputs file of cdk deploy', () => {
  it('gives one region per stack with an IngressAliasArn, and its HTTP URL when there is one', () => {
    const text = JSON.stringify({
      'MparticleFirehose-us-east-1': {
        IngressAliasArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:live',
        HttpEndpointUrl: 'https://a.lambda-url.us-east-1.on.aws/',
      },
      'MparticleFirehose-eu-central-1': { IngressAliasArn: 'arn:aws:lambda:eu-central-1:123456789012:function:f:live' },
      Unrelated: { Other: 'x' },
    });
    expect(regionsFromOutputs(text)).toEqual([
      {
        stack: 'MparticleFirehose-us-east-1',
        region: 'us-east-1',
        aliasArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:live',
        httpUrl: 'https://a.lambda-url.us-east-1.on.aws/',
      },
      {
        stack: 'MparticleFirehose-eu-central-1',
        region: 'eu-central-1',
        aliasArn: 'arn:aws:lambda:eu-central-1:123456789012:function:f:live',
      },
    ]);
    expect(() => regionsFromOutputs('not json')).toThrow('not JSON');
  });
});

describe('the report', () => {
  it('passes only when no check failed, and says how many failed', () => {
    const ok = { check: 'memory', region: 'us-east-1', target: 't', status: 'pass', detail: '1024 MB' } as const;
    const bad = { ...ok, check: 'invoke permission', status: 'fail', detail: 'missing 457804467337' } as const;
    expect(passed([ok, { ...ok, status: 'note' }])).toBe(true);
    expect(passed([ok, bad])).toBe(false);
    expect(passed([])).toBe(false);
    expect(formatTable([ok, bad])).toContain('1 of 2 checks failed');
    expect(formatTable([ok, bad])).toMatch(/invoke permission\s+us-east-1\s+FAIL/);
  });
});
