// The bulk inserts' array literals (src/sql/array-literal.ts) must mean to PostgreSQL exactly what
// pg's own serialization of the same arrays meant: checked on the real server, value by value.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booleanArray, numberArray, timestampArray } from '../src/sql/array-literal.js';
import { binaryTextArray, binaryTimestampArray } from '../src/sql/binary-array.js';
import { adminUrl } from './helpers/db.js';

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

/** The server's reading of both: our literal and pg's array parameter, as text. */
async function both(
  type: string,
  literal: string | Buffer,
  values: unknown[],
): Promise<[string, string]> {
  const r = await client.query<{ ours: string; theirs: string }>(
    `SELECT $1::${type}[]::text AS ours, $2::${type}[]::text AS theirs`,
    [literal, values],
  );
  return [r.rows[0]!.ours, r.rows[0]!.theirs];
}

const same = (v: unknown) => v as never;

describe('array literals for the bulk inserts', () => {
  it('text: quotes, backslashes, braces, commas, NULL, the word NULL, empty, unicode, JSON', async () => {
    const values = [
      'plain',
      'a"b',
      'back\\slash',
      '{braces}',
      'a,b',
      null,
      'NULL',
      '',
      ' spaced ',
      'emoji 😀 é',
      '{"text":"step \\"1\\"","numbers":[1]}',
      'line\nbreak\ttab',
    ];
    const [ours, theirs] = await both('text', binaryTextArray(values, same), values);
    expect(ours).toBe(theirs);
  });

  it('text: any strings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/\u0000/g, '')),
          ),
          { maxLength: 8 },
        ),
        async (values) => {
          const [ours, theirs] = await both('text', binaryTextArray(values, same), values);
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('text: lone surrogates and any UTF-16 (property), as pg encodes them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\0/g, ''))),
          { maxLength: 6 },
        ),
        async (values) => {
          const [ours, theirs] = await both('text', binaryTextArray(values, same), values);
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 100 },
    );
    const lone = ['\ud800', 'a\udfffb', '\ud83d'];
    const [ours, theirs] = await both('text', binaryTextArray(lone, same), lone);
    expect(ours).toBe(theirs);
  });

  it('text: empty, all NULL, and long values; cast to uuid and varchar as the inserts do', async () => {
    for (const values of [[], [null, null], ['x'.repeat(70_000), 'é'.repeat(40_000)]]) {
      const [ours, theirs] = await both('text', binaryTextArray(values, same), values);
      expect(ours).toBe(theirs);
    }
    const ids = [
      '0190b6c4-8a1e-7d2f-9c3b-1a2b3c4d5e6f',
      null,
      'ABCDEF01-2345-4678-89AB-CDEF01234567',
    ];
    const r = await client.query<{ ours: string; theirs: string }>(
      'SELECT $1::text[]::uuid[]::text AS ours, $2::uuid[]::text AS theirs',
      [binaryTextArray(ids, same), ids],
    );
    expect(r.rows[0]!.ours).toBe(r.rows[0]!.theirs);
    const v = await client.query<{ ours: string }>('SELECT $1::text[]::varchar[]::text AS ours', [
      binaryTextArray(['a,b', '{x}', null], same),
    ]);
    expect(v.rows[0]!.ours).toBe('{"a,b","{x}",NULL}');
  });

  it('text: a NUL or a bad uuid is refused by the server, as the text path was', async () => {
    await expect(
      client.query('SELECT $1::text[]', [binaryTextArray(['a\u0000b'], same)]),
    ).rejects.toMatchObject({ code: '22021' });
    await expect(
      client.query('SELECT $1::text[]::uuid[]', [binaryTextArray(['not-a-uuid'], same)]),
    ).rejects.toMatchObject({ code: '22P02' });
  });

  it('integers and booleans', async () => {
    const ints = [0, 1, -5, 2_147_483_647, null];
    const [a, b] = await both('integer', numberArray(ints, same), ints);
    expect(a).toBe(b);
    const bools = [true, false, null];
    const [c, d] = await both('boolean', booleanArray(bools, same), bools);
    expect(c).toBe(d);
  });

  it('times: now, milliseconds, years 1 and 9999, and outside them as pg wrote them', async () => {
    await client.query(`SET TIME ZONE 'UTC'`);
    const dates = [
      new Date(),
      new Date('2026-11-28T06:00:00.123Z'),
      new Date('0001-01-01T00:00:00.000Z'),
      new Date('9999-12-31T23:59:59.999Z'),
      new Date('+010000-01-01T00:00:00.000Z'),
      new Date('-000044-03-15T12:00:00.500Z'),
      new Date('0000-06-01T00:00:00.000Z'),
      null,
    ];
    const [ours, theirs] = await both('timestamptz', timestampArray(dates, same), dates);
    expect(ours).toBe(theirs);
  });

  it('times in binary: every millisecond of years 1-9999 (property) and the edges, as pg sends them', async () => {
    await client.query(`SET TIME ZONE 'UTC'`);
    const edges = [
      new Date(),
      new Date('2000-01-01T00:00:00.000Z'), // PostgreSQL's epoch
      new Date('1999-12-31T23:59:59.999Z'),
      new Date('1970-01-01T00:00:00.000Z'),
      new Date('0001-01-01T00:00:00.000Z'),
      new Date('9999-12-31T23:59:59.999Z'),
      new Date('1600-02-29T12:34:56.789Z'), // past 2^53 microseconds from 2000: the BigInt path
      null,
    ];
    const [ours, theirs] = await both('timestamptz', binaryTimestampArray(edges, same)!, edges);
    expect(ours).toBe(theirs);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            fc.date({
              min: new Date('0001-01-01T00:00:00.000Z'),
              max: new Date('9999-12-31T23:59:59.999Z'),
              noInvalidDate: true,
            }),
          ),
          { maxLength: 6 },
        ),
        async (dates) => {
          const [a, b] = await both('timestamptz', binaryTimestampArray(dates, same)!, dates);
          expect(a).toBe(b);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('times in binary: none for an invalid Date or a year outside 1-9999 (the text literal goes)', () => {
    for (const d of [
      new Date(NaN),
      new Date('+010000-01-01T00:00:00.000Z'),
      new Date('0000-06-01'),
    ])
      expect(binaryTimestampArray([new Date(), d], same)).toBeUndefined();
  });

  it('an invalid Date is refused by the server, as before', async () => {
    await expect(
      client.query('SELECT $1::timestamptz[]', [timestampArray([new Date(NaN)], same)]),
    ).rejects.toMatchObject({ code: '22007' });
  });
});
