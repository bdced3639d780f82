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
});
