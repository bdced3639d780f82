import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callUuid, isUuid, runUuid } from '../src/ids.js';
import { newId } from '../src/index.js';

describe('newId', () => {
  it('is a version 7 UUID whose first 48 bits are the current Unix milliseconds', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('is unique and sorts by creation time across milliseconds', async () => {
    const ids = new Set(Array.from({ length: 100_000 }, () => newId()));
    expect(ids.size).toBe(100_000);
    const first = newId();
    await new Promise((r) => setTimeout(r, 3));
    const second = newId();
    expect(first < second).toBe(true);
  });

  it('spends every random digit: each of the 18 random hex positions takes all 16 values', () => {
    // 74 random bits: the 3 digits after the version, the variant digit's low 2 bits, 12 digits.
    const positions = [15, 16, 17, 20, 21, 22, ...Array.from({ length: 12 }, (_, k) => 24 + k)];
    const seen = positions.map(() => new Set<string>());
    const variants = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = newId();
      positions.forEach((p, k) => seen[k]!.add(id[p]!));
      variants.add(id[19]!);
    }
    expect(seen.map((s) => s.size)).toEqual(positions.map(() => 16));
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});

describe('isUuid, runUuid, callUuid', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  it('agree with the 8-4-4-4-12 hex pattern on generated near-UUIDs', () => {
    // Valid UUIDs in mixed case, then 0-2 positions replaced by hex digits, dashes or look-alikes
    // (g, space, non-ASCII digits and letters), and sometimes a character added or dropped.
    const swaps = '0aF-gG ٣ａ';
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }),
        fc.array(fc.tuple(fc.nat(35), fc.constantFrom(...swaps)), { maxLength: 2 }),
        fc.constantFrom('', 'x', 'cut'),
        (uuid, upper, edits, end) => {
          const chars = [...uuid].map((c, i) => (upper[i] ? c.toUpperCase() : c));
          for (const [at, c] of edits) chars[at] = c;
          let s = chars.join('');
          if (end === 'x') s += 'a';
          if (end === 'cut') s = s.slice(1);
          expect(isUuid(s)).toBe(UUID.test(s));
          if (UUID.test(s)) {
            expect(runUuid(s)).toBe(s.toLowerCase());
            expect(callUuid(newId(), s)).toBe(s.toLowerCase());
          } else expect(isUuid(runUuid(s))).toBe(true);
        },
      ),
      { numRuns: 3_000 },
    );
    const id = newId();
    for (const variant of [id, id.toUpperCase(), id.replace(/-/g, '_'), ` ${id}`, `${id}0`])
      expect(isUuid(variant)).toBe(UUID.test(variant));
    expect(isUuid(42)).toBe(false);
    expect(runUuid(id.toUpperCase())).toBe(id);
  });
});
