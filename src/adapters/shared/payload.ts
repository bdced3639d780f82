import type { TokenUsage } from '../../index.js';

/** A finite number, or undefined (frameworks report missing counts as undefined, null or NaN). */
export function count(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** Token usage from the counts a framework gives, or undefined when it gives none. */
export function tokenUsage(
  input: unknown,
  output: unknown,
  total?: unknown,
): TokenUsage | undefined {
  const usage: TokenUsage = {};
  const i = count(input);
  const o = count(output);
  const t = count(total);
  if (i !== undefined) usage.inputTokens = i;
  if (o !== undefined) usage.outputTokens = o;
  if (t !== undefined) usage.totalTokens = t;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

/** JSON text as the value it encodes; anything else (or text that is not JSON) as given. */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const s = value.trim();
  if (s === '' || !'{["'.includes(s[0]!)) return value;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return value;
  }
}

/** An error's message as the framework gave it (an Error's message, or the value as text). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(error);
    } catch {
      return String(error);
    }
  }
  return String(error);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
