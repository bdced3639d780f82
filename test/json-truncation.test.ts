// Size caps (issue 10 items 25, 26): the walk stops at the cap, the preview is the JSON text's
// prefix, and no cut splits a surrogate pair.
import { describe, expect, it } from 'vitest';
import { createJsonSanitizer, sanitizeJson, sanitizeText } from '../src/index.js';
import { sanitizeName } from '../src/json/sanitize.js';

describe('size caps', () => {
  it('stops reading a huge value once past the cap', () => {
    // Count element reads through a Proxy: a walk that goes on to the end reads 1,536,000.
    let reads = 0;
    const row = Array.from({ length: 1536 }, (_, i) => i / 7);
    const counted = new Proxy(row, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const embeddings = Array.from({ length: 1000 }, () => counted);
    const out = sanitizeJson({ embeddings }) as Record<string, unknown>;
    expect(out._truncated).toBe(true);
    expect(out.originalBytesIsLowerBound).toBe(true);
    expect(reads).toBeLessThan(20_000);
  });

  it('the preview of an oversized object is its JSON text prefix', () => {
    const value = { items: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `item ${i}` })) };
    const s = createJsonSanitizer({ maxJsonBytes: 10_000 });
    const out = sanitizeJson(value, s) as { preview: string; _truncated: boolean };
    expect(out._truncated).toBe(true);
    expect(out.preview.length).toBe(1024);
    expect(JSON.stringify(value).startsWith(out.preview)).toBe(true);
    expect(out.preview).not.toContain('[object Object]');
  });

  it('the preview is redacted and masked like the value', () => {
    const value = [
      { password: 'pw-hidden-1' },
      'sk-proj-AbC123dEf456GhI789jKl012',
      'x'.repeat(100_000),
    ];
    const out = sanitizeJson(value) as { preview: string };
    expect(out.preview).not.toContain('pw-hidden-1');
    expect(out.preview).not.toContain('AbC123dEf456');
    expect(out.preview.startsWith('[{"password":"[REDACTED]"},"sk-proj-[REDACTED]","xxx')).toBe(
      true,
    );
  });

  it('never splits a surrogate pair: text, names, previews', () => {
    const emoji = '😀'.repeat(300);
    const name = sanitizeName(emoji, 255)!;
    expect(name.isWellFormed()).toBe(true);
    expect([...name].length).toBe(255); // PostgreSQL counts characters, not UTF-16 units
    for (let cap = 60; cap < 80; cap++) {
      const text = sanitizeText(emoji, cap);
      expect(text.isWellFormed()).toBe(true);
      expect(text).not.toContain('\uFFFD');
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(cap);
    }
    const preview = (sanitizeJson(`a${emoji.repeat(400)}`) as { preview: string }).preview;
    expect(preview.isWellFormed()).toBe(true);
    expect(preview).not.toContain('\uFFFD');
  });
});
