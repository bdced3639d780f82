// Secret shapes in strings beyond issue 10's examples: other spacings and paddings of the same
// tokens, more PEM and JWT forms, vendor secrets, long values, YAML block scalars, name/value
// entries written as JSON or YAML text. Only the secret part goes; the rest stays readable.
import { describe, expect, it } from 'vitest';
import { REDACTED, maskSecrets } from '../src/index.js';

const S = 'Vv8Q2mZk4Xy7Lp3Rt6Ws';
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.' + S;

describe('more forms of known shapes', () => {
  const cases: Array<[string, string]> = [
    ['Bearer after many spaces', `sent Bearer          ${S} upstream`],
    ['JWE (five parts)', `eyJhbGciOiJSU0EtT0FFUCJ9.${S}.${S}.${S}.${S}`],
    ['JWT with = padding', `eyJhbGciOiJIUzI1NiJ9=.eyJzdWIiOiIxIn0=.${S}`],
    ['JWT in a URL fragment', `https://app/cb#id_token=${JWT}&state=1`],
    ['PEM, lower case', `-----begin private key-----\n${S}\n-----end private key-----`],
    [
      'PGP secret key block',
      `-----BEGIN PGP SECRET KEY BLOCK-----\n${S}\n-----END PGP SECRET KEY BLOCK-----`,
    ],
    [
      'SSH2 private key',
      `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n${S}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----`,
    ],
    ['Google OAuth refresh token', `refresh with 1//0g${S}abcdefghijklmnop`],
    ['Azure AD client secret', `AZURE_SECRET_VALUE abc8Q~${S}abcdefghijklmn`],
    ['URL password with a quote', `postgres://u:${S}'x@h/db`],
    ['URL password with a bracket', `mongodb://admin:${S}>x@h`],
    ['URL password with a backslash', `redis://:${S}\\x@h`],
  ];
  it.each(cases)('%s', (_name, text) => {
    expect(maskSecrets(text)).not.toContain(S);
  });
});

describe('values of secret keys in text', () => {
  it('masks a value longer than the scan bound to its end', () => {
    const out = maskSecrets(`password=${'x'.repeat(5000)}${S} next=1`);
    expect(out).toBe(`password=${REDACTED} next=1`);
  });

  it("masks Python's b'…' / r'…' literals whole", () => {
    expect(maskSecrets(`connect(password=b'${S}')`)).toBe(`connect(password=b'${REDACTED}')`);
  });

  it('masks YAML block scalars to the end of the block', () => {
    expect(maskSecrets(`spec:\n  password: |\n    ${S}\n    ${S}\n  user: bob\n`)).toBe(
      `spec:\n  password: |\n${REDACTED}\n  user: bob\n`,
    );
    expect(maskSecrets(`token: >-\n  ${S}\nnext: 1`)).toBe(`token: >-\n${REDACTED}\nnext: 1`);
    expect(maskSecrets('note: >\n  folded text')).toBe('note: >\n  folded text');
  });

  it('masks name/value entries written as JSON or YAML text', () => {
    const json = JSON.stringify({
      env: [
        { name: 'DB_PASSWORD', value: S },
        { name: 'LOG', value: 'debug' },
      ],
    });
    expect(maskSecrets(json)).toBe(
      JSON.stringify({
        env: [
          { name: 'DB_PASSWORD', value: REDACTED },
          { name: 'LOG', value: 'debug' },
        ],
      }),
    );
    const nested = JSON.stringify(JSON.stringify([{ Name: 'api_key', Value: S }]));
    expect(maskSecrets(nested)).not.toContain(S);
    const yaml = `env:\n- name: API_TOKEN\n  value: ${S}\n- name: LOG\n  value: info`;
    expect(maskSecrets(yaml)).toBe(
      `env:\n- name: API_TOKEN\n  value: ${REDACTED}\n- name: LOG\n  value: info`,
    );
    const schema = '{"name": "password", "type": "string"}';
    expect(maskSecrets(schema)).toBe(schema);
  });
});

describe('extra patterns', () => {
  it('runs a pattern whose hints the scanner cannot use, and ignores a sticky flag', async () => {
    const { createJsonSanitizer } = await import('../src/index.js');
    const sanitizer = createJsonSanitizer({
      maskValues: {
        patterns: [
          { name: 'kanji', pattern: /秘密:(?<secret>\S+)/, hints: ['秘密'] },
          { name: 'one letter', pattern: /Q(?<secret>\d{6})/, hints: ['q'] },
          { name: 'sticky', pattern: /ACME-(?<secret>\w{8,})/y, hints: ['acme-'] },
        ],
      },
    });
    expect(maskSecrets('key 秘密:abcdef', sanitizer)).toBe(`key 秘密:${REDACTED}`);
    expect(maskSecrets('code Q123456', sanitizer)).toBe(`code Q${REDACTED}`);
    expect(maskSecrets('use ACME-abcdefgh12', sanitizer)).toBe(`use ACME-${REDACTED}`);
  });
});

describe('full-width text', () => {
  it('masks keys and shapes written in full-width forms, in the text as written', () => {
    expect(maskSecrets(`ｐａｓｓｗｏｒｄ＝${S}`)).toBe(`ｐａｓｓｗｏｒｄ＝${REDACTED}`);
    expect(maskSecrets(`cfg ＡＰＩ＿ＫＥＹ: ${S} end`)).toBe(`cfg ＡＰＩ＿ＫＥＹ: ${REDACTED} end`);
    expect(maskSecrets('key ｓｋ－ｐｒｏｊ－AbC123dEf456GhI789jKl012')).toBe(
      `key ｓｋ－ｐｒｏｊ－${REDACTED}`,
    );
    const prose = '全角テキスト　ｔｅｓｔ only';
    expect(maskSecrets(prose)).toBe(prose);
  });
});
