// Secrets stored in shapes beyond the earlier suites (issue 10 items 15, 19): URL passwords
// holding "/ ? # @ : ;" or under a typed scheme, card/PIN/SSN numbers under "…_number" keys (read
// as counters before), JWTs split at their dots over lines, and key terms such as security_code,
// slack_webhook and keyMaterial. Checked in sanitizeJson, the middleware's direct JSON writer,
// maskSecrets, and in the rows PostgreSQL holds.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  attachExecutionHistory,
  buildReport,
  createJsonSanitizer,
  maskSecrets,
  newId,
  renderReportHtml,
  sanitizeJson,
} from '../src/index.js';
import { sanitizeJsonText } from '../src/json/json-text.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';
import { STYLES, spell } from './helpers/spellings.js';

const sanitizer = createJsonSanitizer();

/** Both ways a value is stored: the general walk and the middleware's direct writer. */
function bothWays(value: unknown): string {
  return `${JSON.stringify(sanitizeJson(value))}\n${sanitizeJsonText(value, sanitizer)}`;
}

// Pieces use letters no scheme, host or user here holds four of in a row.
const PIECE = fc.stringMatching(/^[QXZJKVWY]{4,8}$/);
const INNER = fc.constantFrom('/', '?', '#', '@', ':', ';', '=', '&', '%', '!', '/x/', '@#');
const PASSWORD = fc
  .tuple(PIECE, fc.array(fc.tuple(INNER, PIECE), { minLength: 1, maxLength: 3 }))
  .map(([first, rest]) => ({
    text: first + rest.map(([s, p]) => s + p).join(''),
    pieces: [first, ...rest.map(([, p]) => p)],
  }));
const URL_FORMS: ReadonlyArray<(pw: string) => string> = [
  (pw) => `postgres://app:${pw}@db.internal:5432/prod`,
  (pw) => `connect failed: mysql://root:${pw}@10.0.0.5/app (timeout)`,
  (pw) => `"https://deploy:${pw}@git.example.com/repo.git"`,
  (pw) => `redis://default:${pw}@cache:6379`,
  (pw) => `postgres:/app:${pw}@db/prod`,
  (pw) => `postgresql:app:${pw}@db/prod`,
  (pw) => `DATABASE_URL=postgres:\\\\app:${pw}@db/prod\nNEXT=1`,
  (pw) => `{"dsn_url":"mongodb+srv://u:${pw}@c0.example.net/?retryWrites=true"}`,
];

describe('URL passwords holding URL punctuation, or under a typed scheme', () => {
  it('property: no piece of the password survives maskSecrets', () => {
    fc.assert(
      fc.property(PASSWORD, fc.nat(URL_FORMS.length - 1), (password, form) => {
        const out = maskSecrets(URL_FORMS[form]!(password.text));
        for (const piece of password.pieces) expect(out, out).not.toContain(piece);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps ports, paths and e-mail addresses in paths readable', () => {
    for (const text of [
      'https://example.com:8080/users/joe@example.org',
      'https://h.example:443/a?email=a@b.com',
      'postgres://db.internal:5432/prod',
      'postgres://app@db:5432/prod',
      'ssh://git@github.com:22/org/repo',
      'file:///C:/Users/joe@corp/a.txt',
    ])
      expect(maskSecrets(text)).toBe(text);
    expect(maskSecrets('postgres://app:QX/ZJ#KV@db.internal:5432/prod?sslmode=require')).toBe(
      'postgres://app:[REDACTED]@db.internal:5432/prod?sslmode=require',
    );
    expect(maskSecrets('postgres://app:QXZJKV')).toBe('postgres://app:[REDACTED]');
  });
});

describe('a secret term with "number" after it names the secret, not a count', () => {
  const TERMS = [
    ['card'],
    ['credit', 'card'],
    ['cc'],
    ['pin'],
    ['ssn'],
    ['cvv'],
    ['otp'],
    ['secret'],
    ['passcode'],
  ] as const;
  // "cc no" is too short to tell from other words; every other pair takes all three.
  const suffixes = (term: readonly string[]) =>
    term[0] === 'cc' ? ['number', 'num'] : ['number', 'num', 'no'];
  const VALUES = [4111111111111111, '4111111111111111', 4921, '4921', 123456789n] as const;
  // Fused lower/upper case ("otpnumber") is one word to anyone; as for qualifiers, left out.
  const STYLE = fc.constantFrom(
    ...STYLES.filter((s) => s !== 'plural' && s !== 'fused' && s !== 'FUSED'),
  );

  it('property: redacted whatever the spelling and the shape of the number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TERMS),
        fc.nat(2),
        STYLE,
        fc.constantFrom(...VALUES),
        (term, which, style, value) => {
          const all = suffixes(term);
          const key = spell([...term, all[which % all.length]!], style);
          const out = bothWays({ payment: { [key]: value } });
          expect(out, key).not.toMatch(/4111|4921|123456789/);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('usage counters spelled tokensIn/outTokens/token_estimate and rate-limit headers stay readable', () => {
    const usage = {
      tokensIn: 120,
      tokens_out: '1,024',
      outTokens: 48,
      token_estimate: 300,
      'x-ratelimit-remaining-tokens': 149_000,
      'x-ratelimit-limit-tokens': '150000',
    };
    expect(sanitizeJson(usage)).toEqual(usage);
    expect(JSON.parse(sanitizeJsonText(usage, sanitizer))).toEqual(usage);
    const text = 'x-ratelimit-remaining-tokens: 149000, tokensIn=120 "outTokens": 48';
    expect(maskSecrets(text)).toBe(text);
    // Strings in them, and the credentials next to them, are still secret.
    expect(bothWays({ tokensIn: 'QXZJ', 'x-auth-token': 'QXZJ', x_token: 'QXZJ' })).not.toContain(
      'QXZJ',
    );
  });

  it('counts stay readable: number before the term, and count words after it', () => {
    const counts = {
      num_passwords: 3,
      numberOfPins: 2,
      card_number_length: 16,
      passwordLength: 12,
      pinAttempts: 3,
      max_tokens: 1000,
      tokenNumber: 7,
    };
    expect(sanitizeJson(counts)).toEqual(counts);
    expect(JSON.parse(sanitizeJsonText(counts, sanitizer))).toEqual(counts);
  });
});

describe('more key terms and shapes', () => {
  it("a cloud's storage key is an account key; structural keys stay", () => {
    const out = bothWays({
      AZURE_STORAGE_KEY: 'QXZJ1',
      azureStorageKey: 'QXZJ2',
      aws_s3_key: 'QXZJ3',
    });
    expect(out).not.toContain('QXZJ');
    const kept = { cache_key: 'a', storage_key: 'b', app_cache_key: 'c', s3_object_key: 'd' };
    expect(sanitizeJson(kept)).toEqual(kept);
  });

  it('security/SMS/access codes, webhooks and key material are redacted', () => {
    const value = {
      security_code: 321,
      cardSecurityCode: '321',
      sms_code: 482913,
      accessCode: 'QXZJ-access',
      activation_code: 'QXZJ-act',
      slack_webhook: 'https://example.com/hooks/QXZJ-hook',
      discordWebhook: 'https://example.com/QXZJ-dw',
      hook_url: 'https://example.com/QXZJ-hu',
      keyMaterial: 'QXZJ-km',
      webhook_events: ['push'],
    };
    const out = bothWays(value);
    expect(out).not.toMatch(/321|482913|QXZJ/);
    expect(out).toContain('"webhook_events":["push"]');
    for (const text of [
      'security_code=321 ok',
      'sms-code: 482913',
      'access_code=QXZJ-access',
      'slack_webhook=https://example.com/hooks/QXZJ',
    ])
      expect(maskSecrets(text), text).not.toMatch(/321|482913|QXZJ/);
  });

  it('bytes that are not UTF-8 (msgpack, protobuf, Latin-1) keep no ASCII secret; others kept', () => {
    const token = 'ghp_QXZJKVWYQXZJKVWYQXZJKVWYQXZJ';
    const body = Buffer.concat([
      Buffer.from([0x82, 0xa5, 0xff, 0x00]),
      Buffer.from(`gh ${token} url postgres://app:QXZJ@db/prod`),
      Buffer.from([0xc3, 0x28, 0xfe]),
    ]);
    for (const value of [
      { body },
      { body: new Uint8Array(body) },
      { body: body.buffer.slice(body.byteOffset, body.byteOffset + body.length) },
    ]) {
      const out = JSON.parse(JSON.stringify(sanitizeJson(value))) as { body: { base64: string } };
      const bytes = Buffer.from(out.body.base64, 'base64');
      expect(bytes.toString('latin1')).not.toContain('QXZJ');
      // Every byte around the masked parts is as it was.
      expect([...bytes.subarray(0, 4)]).toEqual([0x82, 0xa5, 0xff, 0x00]);
      expect([...bytes.subarray(-3)]).toEqual([0xc3, 0x28, 0xfe]);
      expect(bytes.toString('latin1')).toContain('ghp_[REDACTED] url postgres://app:[REDACTED]@db');
    }
    const plain = Buffer.from([0x00, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50]);
    expect(sanitizeJson({ plain })).toEqual({
      plain: { _type: 'Buffer', base64: plain.toString('base64') },
    });
  });

  it('as a query parameter, a bare key is an API key and code an authorization code', () => {
    for (const text of [
      'GET https://maps.example.com/api/geocode?address=x&key=QXZJkeyV4lue',
      'https://app.example.com/callback?code=QXZJcodeV4lue&state=xyz',
      'a=1&key=QXZJkeyV4lue&b=2',
      '/login?next=%2Fcb%3Fcode%3DQXZJcodeV4lue',
    ])
      expect(maskSecrets(text), text).not.toContain('QXZJ');
    expect(bothWays({ q: new URLSearchParams('key=QXZJ1&code=QXZJ2&keyword=kw') })).not.toContain(
      'QXZJ',
    );
    // Elsewhere they stay plain.
    for (const text of ['code=200 ok', 'status code: 404', 'key: ctrl+k', '?keyword=abc&key_id=3'])
      expect(maskSecrets(text)).toBe(text);
    expect(sanitizeJson({ key: 'ctrl+k', code: 'E42' })).toEqual({ key: 'ctrl+k', code: 'E42' });
  });

  it('a filled-in password field in HTML, attributes in any order', () => {
    for (const html of [
      '<form><input type="password" name="pw" value="QXZJpw1"></form>',
      "<input value='QXZJpw2' autocomplete=off type=password>",
      '<INPUT TYPE=PASSWORD VALUE=QXZJpw3>',
    ])
      expect(maskSecrets(html), html).not.toContain('QXZJ');
    const kept = '<input type="text" value="bob"><input type="password" name="p">';
    expect(maskSecrets(kept)).toBe(kept);
  });

  it('a JWT split at its dots over lines, written or escaped', () => {
    const parts = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJRWFpKIn0', 'QXZJsignatureV4lue'];
    for (const text of [
      parts.join('.\n'),
      parts.join('.\r\n  '),
      JSON.stringify({ jwt: parts.join('.\n') }).replace('"jwt"', '"note"'),
    ]) {
      const out = maskSecrets(text);
      expect(out, text).not.toContain('QXZJsignature');
      expect(out, text).not.toContain('eyJzdWIiOiJRWFpKIn0');
    }
  });
});

describe('stored rows (PostgreSQL)', () => {
  let store: ExecutionStore;
  let spool: string;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    spool = await mkdtemp(path.join(tmpdir(), 'adv-secrets-values-'));
  });
  afterAll(async () => {
    await rm(spool, { recursive: true, force: true });
  });

  it('neither the store nor the middleware writes these secrets', async () => {
    const url = 'postgres://app:QXZJ/KV#WY@db.internal:5432/prod';
    const payment = { card_number: 4111111111111111, pinNumber: '4921', sms_code: 482913 };
    const id = newId();
    await store.storeExecution({
      executionId: id,
      goalText: `migrate ${url}`,
      success: false,
      error: new Error(`connect failed: ${url}`),
      metadata: payment,
    });
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: spool });
    const runId = newId();
    em.emit('process:start', { runId, goalText: `pay via postgresql:app:QXZJWY@db/prod` });
    em.emit('tool:start', { runId, callId: 'c', toolName: 'pay', parameters: payment });
    em.emit('tool:end', { runId, callId: 'c', toolName: 'pay', success: true, result: payment });
    em.emit('process:end', { runId, result: { success: true, metadata: payment } });
    expect((await handle.flush()).complete).toBe(true);
    await handle.close();
    const rows = await poolOf(store).query(
      `SELECT row_to_json(e)::text AS t FROM executions e WHERE execution_id = ANY($1)
       UNION ALL SELECT row_to_json(t)::text FROM tool_executions t WHERE execution_id = ANY($1)`,
      [[id, runId]],
    );
    const text = rows.rows.map((r: { t: string }) => r.t).join('\n');
    expect(rows.rows.length).toBe(3);
    // The dashboard over such rows: a tool name with a bidi override or an escape sequence is
    // shown as \uXXXX, in the page and in its data, as the CLI shows it.
    const spoof = newId();
    await store.storeExecution({ executionId: spoof, goalText: 'g', success: true });
    await store.storeToolExecution({
      executionId: spoof,
      toolName: 'report\u202eexe.txt\u001b[2J\u009b31m',
      success: true,
    });
    const html = renderReportHtml(await buildReport(store, { days: 1 }));
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(html).toContain('report\\u202eexe.txt\\u001b[2J\\u009b31m');
    expect(text).not.toMatch(/QXZJ|KV#WY|4111|4921|482913/);
    expect(text).toContain('postgres://app:[REDACTED]@db.internal:5432/prod');
  });
});
