// Value-pattern masking (issue 10 item 19): the secret part of known shapes is masked inside any
// string; the rest stays readable; the pattern list is extendable and can be switched off.
import { describe, expect, it } from 'vitest';
import { REDACTED, createJsonSanitizer, maskSecrets, sanitizeJson } from '../src/index.js';

const R = REDACTED;

describe('value-pattern masking', () => {
  const cases: Array<[string, string, string]> = [
    [
      'URL password',
      'ECONNREFUSED postgres://app:hunter2@db:5432/x',
      `ECONNREFUSED postgres://app:${R}@db:5432/x`,
    ],
    ['typo URL, "@" in password', 'postgres//u:p@ss@word@host/db', `postgres//u:${R}@host/db`],
    ['redis without user', 'redis://:rpw-77@cache:6379', `redis://:${R}@cache:6379`],
    ['Bearer header', 'Authorization: Bearer abcDEF123456ghi', `Authorization: ${R}`],
    ['Bearer in prose', 'sent Bearer abcDEF123456ghi upstream', `sent Bearer ${R} upstream`],
    ['OpenAI project key', 'key sk-proj-AbC123dEf456GhI789jKl012', `key sk-proj-${R}`],
    ['OpenAI key', 'sk-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6', `sk-${R}`],
    ['Anthropic key', 'sk-ant-api03-AbC123dEf456GhI789jKl0-xy', `sk-ant-api03-${R}`],
    ['Stripe key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', `sk_live_${R}`],
    ['GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', `ghp_${R}`],
    ['GitHub fine-grained', 'github_pat_11ABCDEFG0123456789_abcdefghij', `github_pat_${R}`],
    ['AWS key id', 'id AKIAIOSFODNN7EXAMPLE used', `id AKIA${R} used`],
    ['AWS temp key id', 'ASIAY34FZKBOKMUTVV7A', `ASIA${R}`],
    ['Slack token', 'xoxb-1234567890-0987654321-AbCdEfGhIjKl', `xoxb-${R}`],
    ['Google API key', 'AIzaSyA-1234567890abcdefghijklmnopqrstu', `AIza${R}`],
    [
      'JWT',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      `jwt ${R}`,
    ],
    [
      'PEM block',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      `-----BEGIN RSA PRIVATE KEY-----${R}-----END RSA PRIVATE KEY-----`,
    ],
    [
      'cut PEM block',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk',
      `-----BEGIN OPENSSH PRIVATE KEY-----${R}`,
    ],
    ['key=value', 'login password=hunter2 user=bob', `login password=${R} user=bob`],
    ['JSON text', '{"apiKey":"zz-secret","user":"bob"}', `{"apiKey":"${R}","user":"bob"}`],
    ['escaped JSON text', '{\\"client_secret\\":\\"zz\\"}', `{\\"client_secret\\":\\"${R}\\"}`],
    [
      'connection string',
      'Server=x;User Id=y;Password=p4ss w0rd;',
      `Server=x;User Id=y;Password=${R};`,
    ],
    ['CLI flag', 'run --db-password s3cr3t --verbose', `run --db-password ${R} --verbose`],
    [
      'query string',
      '/cb?code=1&access_token=xyz123&sig=AbC',
      `/cb?code=1&access_token=${R}&sig=${R}`,
    ],
    ['YAML line', 'user: bob\npassword: correct horse battery\n', `user: bob\npassword: ${R}\n`],
    ['header tuple as text', '["x-api-key", "opaque-v4lue"]', `["x-api-key", "${R}"]`],
    ['Groq key', 'gsk_A1b2C3d4E5f6G7h8I9j0K1l2M3n4', `gsk_${R}`],
    ['xAI key', 'xai-A1b2C3d4E5f6G7h8I9j0K1l2M3n4', `xai-${R}`],
    ['Replicate token', 'r8_A1b2C3d4E5f6G7h8I9j0K1l2M3n4', `r8_${R}`],
    ['Vault token', 'vault login hvs.CAESIJ1b2C3d4E5f6G7h8I9j0K1l', `vault login hvs.${R}`],
    ['Square token', 'sq0atp-A1b2C3d4E5f6G7h8I9j0K1', `sq0atp-${R}`],
    ['Databricks token', 'dapi0123456789abcdef0123456789abcdef', `dapi${R}`],
    [
      'Discord webhook',
      'post to https://discord.com/api/webhooks/123456789012/AbCdEf-123_xyz',
      `post to https://discord.com/api/webhooks/${R}`,
    ],
    ['age secret key', 'AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGP', `AGE-SECRET-KEY-1${R}`],
    ['curl -u', 'curl -u admin:hunter2 https://x', `curl -u admin:${R} https://x`],
    ['--user=', 'wget --user=bob:s3cr3t http://x', `wget --user=bob:${R} http://x`],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });

  it('leaves ordinary text and usage counters alone', () => {
    for (const text of [
      'plain text about monkeys and keys, nothing secret here',
      'Bearer token expired',
      'Basic authentication is required',
      'max_tokens=1024 input_tokens: 52',
      'the task-management service restarted',
      'https://example.com/path?page=2',
      'ask me anything about Asia',
      'the dp. rate and the sq0 code',
      'run -u to update, then --user bob',
      'the discord server is down',
    ])
      expect(maskSecrets(text)).toBe(text);
  });

  it('masks strings at any depth, in keys, URL objects, Headers and env copies', () => {
    const out = sanitizeJson({
      deep: [{ log: ['x', { msg: 'use sk-proj-AbC123dEf456GhI789jKl012' }] }],
      'Bearer abcDEF123456ghi': 1,
      url: new URL('https://deploy:Pw-9x8@git.example.com/r.git'),
      headers: new Headers({ authorization: 'Bearer abc', accept: 'json' }),
      env: { DATABASE_URL: 'postgres://u:p@h/db', HOME: '/root', STRIPE_KEY: 'abc' },
    });
    expect(out).toEqual({
      deep: [{ log: ['x', { msg: `use sk-proj-${R}` }] }],
      [`Bearer ${R}`]: R, // the key names a bearer credential: its value is hidden too
      url: `https://deploy:${R}@git.example.com/r.git`,
      headers: { accept: 'json', authorization: R },
      env: { DATABASE_URL: R, HOME: '/root', STRIPE_KEY: R },
    });
  });

  it('can be switched off, and extended with patterns of your own', () => {
    const text = 'key sk-proj-AbC123dEf456GhI789jKl012 and ACME-123456789';
    expect(sanitizeJson({ t: text }, createJsonSanitizer({ maskValues: false }))).toEqual({
      t: text,
    });
    const own = createJsonSanitizer({
      maskValues: {
        patterns: [{ name: 'acme', pattern: /ACME-(?<secret>\d{9})/, hints: ['acme-'] }],
      },
    });
    expect(sanitizeJson({ t: text }, own)).toEqual({ t: `key sk-proj-${R} and ACME-${R}` });
    const onlyOwn = createJsonSanitizer({
      maskValues: { builtIn: false, patterns: [{ name: 'acme', pattern: /ACME-\d+/g }] },
    });
    expect(sanitizeJson({ t: text }, onlyOwn)).toEqual({
      t: `key sk-proj-AbC123dEf456GhI789jKl012 and ${R}`,
    });
  });

  it('a pattern whose accept() throws masks the match and reports the fault', () => {
    const issues: string[] = [];
    const s = createJsonSanitizer({
      onIssue: (i) => issues.push(`${i.kind}: ${i.reason}`),
      maskValues: {
        patterns: [
          {
            name: 'picky',
            pattern: /ZZ\d+/,
            hints: ['zz'],
            accept: () => {
              throw new Error('accept bug');
            },
          },
        ],
      },
    });
    expect(sanitizeJson('id ZZ123', s)).toBe(`id ${R}`);
    expect(issues).toEqual(['mask: pattern picky: Error: accept bug']);
  });
});
