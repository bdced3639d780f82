// The direct JSON writer (src/json/json-text.ts) must give exactly the text of the general way,
// JSON.stringify(sanitizeJson(value)), for every value: it only skips building the copy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsonSanitizer, sanitizeJson, type JsonSanitizer } from '../src/json/sanitize.js';
import { sanitizeJsonText } from '../src/json/json-text.js';

const keys = fc.oneof(
  fc.constantFrom(
    'text',
    'numbers',
    'value',
    'ok',
    'password',
    'apiKey',
    'inputTokens',
    'tokenUsage',
    'authorization',
    'x-api-key',
    '__proto__',
    'toJSON',
    '0',
    '10',
    'a"b',
    'bad\u0000key',
    'sk-proj-AbC123dEf456GhI789jKl012',
    'user_password_hash',
  ),
  fc.string({ maxLength: 12 }),
);

const strings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'Bearer abcDEF123456ghi',
    'postgres://app:hunter2@db:5432/x',
    'login password=hunter2 user=bob',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    '\ud800 lone',
    'nul\u0000byte',
    '42',
    'step 1',
    'authorization',
  ),
);

const leaves = fc.oneof(
  strings,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false }),
  fc.bigInt(),
);

const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaves,
    tie('array'),
    tie('object'),
    tie('pairs'),
    tie('odd'),
  ),
  // `[name, value, name, value]` header lists: values judged by the name before them
  pairs: fc
    .array(fc.tuple(keys, tie('value')), { minLength: 1, maxLength: 3 })
    .map((pairs) => pairs.flat()),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(keys, tie('value'), { maxKeys: 6 }),
  odd: fc.oneof(
    fc.constant(new Map([['password', 'x']])),
    fc.constant(new Set([1, 2])),
    fc.constant(new Error('boom postgres://u:pw@h/db')),
    fc.constant(['authorization', 'Bearer abcDEF123456ghi']),
    fc.constant({ toJSON: () => ({ password: 'p' }) }),
    fc.constant(Object.create(null) as object),
    fc.constant(() => 1),
    fc.constant(Buffer.from('hi')),
  ),
}));

const sanitizers: Array<[string, JsonSanitizer]> = [
  ['default', createJsonSanitizer()],
  ['masking off', createJsonSanitizer({ maskValues: false })],
  ['extra keys', createJsonSanitizer({ redactKeys: ['customer_ssn'] })],
  ['small cap', createJsonSanitizer({ maxJsonBytes: 300, maxDepth: 3 })],
  ['depth 1', createJsonSanitizer({ maxDepth: 1 })],
];

describe('sanitizeJsonText', () => {
  for (const [name, s] of sanitizers)
    it(`gives the general way's text for any value (${name})`, () => {
      fc.assert(
        fc.property(values.value, (v) => {
          expect(sanitizeJsonText(v, s)).toBe(JSON.stringify(sanitizeJson(v, s)) ?? 'null');
        }),
        { numRuns: 2_000 },
      );
    });

  it('handles what the direct way leaves to the walk: cycles, getters that throw, deep values', () => {
    const s = createJsonSanitizer();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const hostile = {
      get bad(): never {
        throw new Error('getter with postgres://u:pw@h/db');
      },
      ok: 1,
    };
    let deep: unknown = 'leaf';
    for (let i = 0; i < 80; i++) deep = { d: deep };
    const big = { items: Array.from({ length: 50_000 }, (_, i) => ({ i, text: 'x'.repeat(10) })) };
    for (const v of [cyclic, hostile, deep, big, { password: 'p', user: 'u' }])
      expect(sanitizeJsonText(v, s)).toBe(JSON.stringify(sanitizeJson(v, s)));
    expect(sanitizeJsonText({ password: 'p', user: 'u' }, s)).toBe(
      '{"password":"[REDACTED]","user":"u"}',
    );
  });

  it('a user redact function is honoured (the general way, with paths)', () => {
    const s = createJsonSanitizer({ redact: (key, path) => key === 'x' && path[0] === 'outer' });
    const v = { outer: { x: 'hidden' }, x: 'shown' };
    expect(sanitizeJsonText(v, s)).toBe('{"outer":{"x":"[REDACTED]"},"x":"shown"}');
  });
});
