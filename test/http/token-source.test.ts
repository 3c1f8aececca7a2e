import { describe, expect, it } from 'vitest';
import {
  cachedSecretTokenSource,
  parseTokenList,
  parseTokenSecret,
  readAuthorization,
  TokenSet,
  tokenSourceFromEnv,
} from '../../lambda/http';
import { TOKEN_ENV } from '../../lambda/config/environment';
import { TokenConfigError, TokenSourceUnavailableError } from '../../lambda/http/errors';

/** The token source's parsing and caching. Secrets Manager cannot run here: reads go through an injected function. */

/** A secret whose value the test changes, counting reads; `fail` makes the next reads throw. */
function secretStandIn(initial: string) {
  const state = { value: initial, reads: 0, fail: false };
  return {
    state,
    readSecret: async (): Promise<string> => {
      state.reads++;
      if (state.fail) throw new Error('ThrottlingException');
      return state.value;
    },
  };
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('the token secret', () => {
  it('reads a plain token, trimming the newline a file upload leaves', () => {
    expect(parseTokenSecret('tok_plain_value\n')).toEqual(['tok_plain_value']);
  });

  it('reads {"current","previous"} as two valid tokens, and "previous" as optional', () => {
    expect(parseTokenSecret('{"current":"tok_new","previous":"tok_old"}')).toEqual(['tok_new', 'tok_old']);
    expect(parseTokenSecret('{"current":"tok_new"}')).toEqual(['tok_new']);
    expect(parseTokenSecret('{"current":"tok_new","previous":""}')).toEqual(['tok_new']);
  });

  it.each([
    ['empty', '  \n', /empty/],
    ['broken JSON', '{"current":"tok_secret_value"', /not valid JSON/],
    ['no current', '{"previous":"tok_old"}', /"current"/],
    ['an array', '["tok_a"]', /JSON object/],
    ['a non-string previous', '{"current":"tok_a","previous":7}', /"previous"/],
  ])('refuses %s without quoting the secret', (_name, text, message) => {
    const error = (() => {
      try {
        parseTokenSecret(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TokenConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('tok_');
  });

  it(`reads ${TOKEN_ENV.tokens} as up to two comma-separated tokens`, () => {
    expect(parseTokenList('tok_a, tok_b', TOKEN_ENV.tokens)).toEqual(['tok_a', 'tok_b']);
    expect(parseTokenList('tok_a,', TOKEN_ENV.tokens)).toEqual(['tok_a']);
    expect(() => parseTokenList('a,b,c', TOKEN_ENV.tokens)).toThrow(/at most two/);
  });
});

describe('the Authorization header and the comparison', () => {
  it('reads the Token scheme case-insensitively and calls anything else malformed', () => {
    expect(readAuthorization('Token abc')).toEqual({ kind: 'token', token: 'abc' });
    expect(readAuthorization('token  abc ')).toEqual({ kind: 'token', token: 'abc' });
    expect(readAuthorization(undefined)).toEqual({ kind: 'missing' });
    expect(readAuthorization(' ')).toEqual({ kind: 'missing' });
    for (const header of ['Bearer abc', 'Token', 'Tokenabc', 'Token a b', 'Basic YTpi'])
      expect(readAuthorization(header).kind, header).toBe('malformed');
  });

  it('matches only a configured token, whatever the lengths', () => {
    const set = new TokenSet(['tok_current', 'tok_previous']);
    expect(set.matches('tok_current')).toBe(true);
    expect(set.matches('tok_previous')).toBe(true);
    for (const other of ['', 'tok_', 'tok_currenT', 'tok_current_longer', 'x'.repeat(10_000)])
      expect(set.matches(other), other).toBe(false);
  });
});

describe('tokens from Secrets Manager, cached', () => {
  it('reads once, then serves from the cache until the five minutes are up', async () => {
    // Prepare
    const secret = secretStandIn('tok_a');
    const clock = manualClock();
    const source = cachedSecretTokenSource({ readSecret: secret.readSecret, now: clock.now });
    // Act + Assess
    expect((await source.current()).matches('tok_a')).toBe(true);
    secret.state.value = 'tok_b';
    clock.advance(5 * 60_000 - 1);
    expect((await source.current()).matches('tok_a')).toBe(true);
    expect(secret.state.reads).toBe(1);
    clock.advance(1);
    expect((await source.current()).matches('tok_b')).toBe(true);
    expect(secret.state.reads).toBe(2);
  });

  it('shares one read among concurrent first calls', async () => {
    const secret = secretStandIn('tok_a');
    const source = cachedSecretTokenSource({ readSecret: secret.readSecret });
    await Promise.all(Array.from({ length: 20 }, () => source.current()));
    expect(secret.state.reads).toBe(1);
  });

  it('re-reads after a mismatch at most once per interval, so wrong tokens cannot flood Secrets Manager', async () => {
    // Prepare
    const secret = secretStandIn('tok_a');
    const clock = manualClock();
    const source = cachedSecretTokenSource({
      readSecret: secret.readSecret,
      now: clock.now,
      minRereadIntervalMs: 10_000,
    });
    await source.current();
    // Act: a rotation lands; a call with the new token arrives right after the first read
    secret.state.value = '{"current":"tok_b","previous":"tok_a"}';
    const tooSoon = await source.refreshAfterMismatch();
    clock.advance(10_000);
    const reread = await source.refreshAfterMismatch();
    const again = await source.refreshAfterMismatch();
    // Assess
    expect(tooSoon).toBeUndefined();
    expect(reread?.matches('tok_b')).toBe(true);
    expect(reread?.matches('tok_a')).toBe(true);
    expect(again).toBeUndefined();
    expect(secret.state.reads).toBe(2);
  });

  it('keeps the tokens it has when a re-read fails, and says so', async () => {
    // Prepare
    const secret = secretStandIn('tok_a');
    const clock = manualClock();
    const kept: unknown[] = [];
    const source = cachedSecretTokenSource({
      readSecret: secret.readSecret,
      now: clock.now,
      onStaleKept: (e) => kept.push(e),
    });
    await source.current();
    // Act
    secret.state.fail = true;
    clock.advance(5 * 60_000);
    const during = await source.current();
    // Assess
    expect(during.matches('tok_a')).toBe(true);
    expect(kept).toHaveLength(1);
    // A half-written secret during a rotation is a failed read too: the old tokens stay.
    secret.state.fail = false;
    secret.state.value = '{"current":';
    clock.advance(60_000);
    expect((await source.current()).matches('tok_a')).toBe(true);
    expect(kept).toHaveLength(2);
  });

  it('is unavailable (a retryable error) when the first read fails, and tries again on the next call', async () => {
    const secret = secretStandIn('tok_a');
    secret.state.fail = true;
    const source = cachedSecretTokenSource({ readSecret: secret.readSecret });
    await expect(source.current()).rejects.toBeInstanceOf(TokenSourceUnavailableError);
    secret.state.fail = false;
    expect((await source.current()).matches('tok_a')).toBe(true);
  });
});

describe('the token source the environment describes', () => {
  it(`reads the secret named by ${TOKEN_ENV.secretArn}, which wins over ${TOKEN_ENV.tokens}`, async () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:FirehoseToken-AbCdEf';
    const asked: string[] = [];
    const source = tokenSourceFromEnv(
      { [TOKEN_ENV.secretArn]: arn, [TOKEN_ENV.tokens]: 'tok_env' },
      {
        readSecret: async (id) => {
          asked.push(id);
          return '{"current":"tok_new","previous":"tok_old"}';
        },
      },
    );
    // Act
    const tokens = await source.current();
    // Assess
    expect(asked).toEqual([arn]);
    expect([tokens.matches('tok_new'), tokens.matches('tok_old'), tokens.matches('tok_env')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it(`takes ${TOKEN_ENV.tokens} locally, and with no token at all answers unavailable rather than refusing`, async () => {
    const local = await tokenSourceFromEnv({ [TOKEN_ENV.tokens]: 'tok_one,tok_two' }).current();
    expect([local.matches('tok_one'), local.matches('tok_two')]).toEqual([true, true]);
    await expect(tokenSourceFromEnv({}).current()).rejects.toThrow(`${TOKEN_ENV.secretArn} or ${TOKEN_ENV.tokens}`);
  });
});
