import { describe, expect, it } from 'vitest';
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
