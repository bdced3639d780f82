/**
 * Size caps. The walk counts an estimate of the JSON size as it goes and stops once it passes the
 * cap, so a huge value costs no more than a capped one (issue: 1,000 embeddings blocked emit for
 * 285 ms). What is kept of an oversized value is a preview: the first characters of its JSON text.
 */
import type { JsonValue } from './json-value.js';
import { cutUnits } from './text.js';

/** Characters of JSON text kept as the preview of an oversized value. */
export const PREVIEW_CHARS = 1024;

export class Budget {
  used = 0;
  /** Set once `used` passes `stopAt`: the walk builds nothing more. */
  stopped = false;
  constructor(
    /** The cap: over it, the value is replaced by a truncation marker. */
    readonly limit: number,
    /** Where the walk stops: at least the cap, and enough for a full preview. */
    readonly stopAt: number,
  ) {}

  /** Counts `n` more bytes; false once the walk must stop. */
  add(n: number): boolean {
    this.used += n;
    if (this.used > this.stopAt) this.stopped = true;
    return !this.stopped;
  }

  /** Units of text still wanted before the stop point (for cutting the string that crosses it). */
  room(): number {
    return Math.max(0, this.stopAt - this.used);
  }

  get over(): boolean {
    return this.used > this.limit;
  }
}

export function budgetFor(maxJsonBytes: number): Budget {
  return new Budget(maxJsonBytes, Math.max(maxJsonBytes, PREVIEW_CHARS * 4));
}

/**
 * The first `max` characters of `JSON.stringify(value)`, without serializing the rest: what the
 * walk built before it stopped can hold 64 KiB of floats, and printing them all costs milliseconds.
 */
export function jsonPrefix(value: JsonValue, max: number): string {
  const parts: string[] = [];
  let length = 0;
  const emit = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length < max;
  };
  const visit = (v: JsonValue): boolean => {
    if (typeof v === 'string') return emit(JSON.stringify(cutUnits(v, max)));
    if (v === null || typeof v !== 'object') return emit(JSON.stringify(v));
    if (Array.isArray(v)) {
      if (!emit('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !emit(',')) return false;
        if (!visit(v[i]!)) return false;
      }
      return emit(']');
    }
    if (!emit('{')) return false;
    let first = true;
    for (const key of Object.keys(v)) {
      if (!first && !emit(',')) return false;
      first = false;
      if (!emit(`${JSON.stringify(cutUnits(key, max))}:`)) return false;
      if (!visit(v[key]!)) return false;
    }
    return emit('}');
  };
  visit(value);
  return cutUnits(parts.join(''), max);
}

/**
 * The marker that replaces an oversized value. `partial` is what the walk built before it stopped:
 * its JSON text starts like the whole value's, so its prefix is the preview.
 */
export function truncatedMarker(
  originalBytes: number,
  lowerBound: boolean,
  partial: JsonValue,
): JsonValue {
  const preview = jsonPrefix(partial, PREVIEW_CHARS);
  const out: { [key: string]: JsonValue } = { _truncated: true, originalBytes, preview };
  if (lowerBound) out.originalBytesIsLowerBound = true;
  return out;
}
