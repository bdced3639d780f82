// Key-based redaction: every spelling of a listed term is a secret; usage counters stay readable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, createJsonSanitizer, sanitizeJson } from '../src/index.js';
import { classifyKey } from '../src/json/key-matcher.js';
import {
  COUNTER_TERMS,
  SECRET_TERMS,
  STYLES,
  counterKey,
  secretKey,
  spell,
} from './helpers/spellings.js';

describe('key matcher', () => {
  it('finds the spellings the old matcher stored in the clear', () => {
    const missed = [
      'DBPassword',
      'APIToken',
      'XApiKey',
      'passwords',
      'tokens_secret',
      'credentials',
      'secrets',
      'passphrase',
      'bearer',
      'DATABASE_URL',
      'Set-Cookie',
      'connectionString',
      'client_secret',
      'AWS_SECRET_ACCESS_KEY',
      'OPENAI_API_KEY',
      'PGPASSWORD',
      'MYSQL_PWD',
      'DB_PASS',
      'SENTRY_DSN',
      'STRIPE_KEY',
      'x-amz-signature',
      'GITHUB_PAT',
      'sessionId',
      'oauth2Token',
      'privkey',
      'dbpassword',
      'xapikey',
      'sid',
      'connect.sid',
      'hmac',
      'kubeconfig',
      'mfa_code',
      '2fa_code',
      'twoFactorCode',
      'verificationCode',
      'magic_link',
      'REDIS_URL',
      'mongoUri',
      'AMQP_URL',
      'CELERY_BROKER_URL',
    ];
    expect(missed.filter((k) => classifyKey(k) === 'plain')).toEqual([]);
  });

  it('a prefix such as new or aws does not make a token key a usage counter', () => {
    for (const key of ['NEW_TOKEN', 'newToken', 'new-tokens', 'awsTokens', 'OLD_TOKEN'])
      expect([key, classifyKey(key)]).toEqual([key, 'secret']);
    expect(classifyKey('max_new_tokens')).toBe('counter');
  });

  it('every listed term in every style is a secret', () => {
    const plain: string[] = [];
    for (const term of SECRET_TERMS)
      for (const style of STYLES) {
        const key = spell(term, style);
        // The bare plural "tokens" is a counter by rule (a count of tokens), checked below.
        if (key !== 'tokens' && classifyKey(key) !== 'secret') plain.push(key);
      }
    expect(plain).toEqual([]);
  });

  it('usage counters are counters in every style, never plain secrets', () => {
    const wrong: string[] = [];
    for (const term of COUNTER_TERMS)
      for (const style of ['camel', 'pascal', 'snake', 'screaming', 'kebab', 'dot'] as const) {
        const key = spell(term, style);
        if (classifyKey(key) !== 'counter') wrong.push(key);
      }
    expect(wrong).toEqual([]);
  });

  it('ordinary keys that merely contain a term stay plain', () => {
    const keys = [
      'author',
      'passenger',
      'bypass',
      'compass',
      'tokenizer',
      'secretary',
      'keyboard',
      'cacheKey',
      'primaryKey',
      'publicKey',
      'key',
      'pattern',
      'path',
      'sigma',
      'spinner',
      'userName',
      'HOME',
      'PATH',
      'passed',
      'monkey',
      'side',
      'sidebar',
      'inside',
      'mfaEnabled',
      'redisHost',
      'brokerName',
    ];
    expect(keys.filter((k) => classifyKey(k) !== 'plain')).toEqual([]);
  });
});

describe('redaction by key in sanitized values', () => {
  it('keeps counts under counter keys and redacts anything else there', () => {
    const usage = {
      inputTokens: 10,
      outputTokens: 20,
      totalTokens: 30,
      maxTokens: 4096,
      token_count: 7,
      prompt_tokens: 3,
      completion_tokens: 4,
      tokenUsage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      usage: { tokens: 812, prompt_tokens_details: { cached_tokens: 0 } },
      max_completion_tokens: '2048',
    };
    expect(sanitizeJson(usage)).toEqual(usage);
    expect(
      sanitizeJson({ token_count: 'not-a-number', tokenUsage: { raw: 'sv-abc' }, tokens: 'x' }),
    ).toEqual({ token_count: REDACTED, tokenUsage: { raw: REDACTED }, tokens: REDACTED });
    // A secret key keeps only what tells nothing: booleans and null.
    expect(sanitizeJson({ hasPassword: true, password: null, token: 123456 })).toEqual({
      hasPassword: true,
      password: null,
      token: REDACTED,
    });
  });

  it('user terms match in every spelling too', () => {
    const s = createJsonSanitizer({ redactKeys: ['customer_ssn', 'x'] });
    expect(
      sanitizeJson(
        { customerSsn: 'a', CUSTOMER_SSNS: 'b', 'customer-ssn': 'c', x: 'd', xy: 'e' },
        s,
      ),
    ).toEqual({
      customerSsn: REDACTED,
      CUSTOMER_SSNS: REDACTED,
      'customer-ssn': REDACTED,
      x: REDACTED,
      xy: 'e',
    });
  });

  it('property: a secret under any spelling, nesting and shape is never kept', () => {
    const marker = 'sv7Q2mZ';
    const secretValue = fc.oneof(
      fc.constant(`${marker}plain`),
      fc.constant({ inner: `${marker}nested` }),
      fc.constant([`${marker}listed`]),
      fc.constant(new Map([['deep', `${marker}map`]])),
      fc.constant(98765432101234),
    );
    const holder = (key: string, value: unknown) =>
      fc.constantFrom<unknown>(
        { [key]: value },
        [{ [key]: value }],
        new Map([[key, value]]),
        [[key, value]],
        { headers: [key, value, 'accept', 'json'] },
        { a: { b: { c: { [key]: value } } } },
      );
    fc.assert(
      fc.property(
        secretKey().chain((k) => secretValue.chain((v) => holder(k, v))),
        (holder) => {
          const out = JSON.stringify(sanitizeJson(holder));
          expect(out).not.toContain(marker);
          expect(out).not.toContain('98765432101234');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: usage counters stay readable under any spelling', () => {
    fc.assert(
      fc.property(counterKey(), fc.nat(1_000_000), (key, n) => {
        expect(sanitizeJson({ usage: { [key]: n } })).toEqual({ usage: { [key]: n } });
      }),
      { numRuns: 300 },
    );
  });
});
