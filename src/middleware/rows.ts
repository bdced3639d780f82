import type { ExecutionRow, ToolExecutionRow } from '../schema/rows.js';
import { sanitizeName, sanitizeText, type JsonSanitizer } from '../json/sanitize.js';
import { sanitizeJsonText } from '../json/json-text.js';
import type { ProcessResult } from './contract.js';

/** Turns contract payloads into rows: sanitized, redacted, capped, within column limits. */
export class RowBuilder {
  constructor(
    private readonly sanitizer: JsonSanitizer,
    private readonly maxTextBytes: number,
  ) {}

  json(value: unknown): string {
    return sanitizeJsonText(value, this.sanitizer);
  }

  optionalJson(value: unknown): string | null {
    return value === undefined ? null : this.json(value);
  }

  text(value: unknown): string {
    return sanitizeText(value, this.maxTextBytes, this.sanitizer);
  }

  optionalText(value: unknown): string | null {
    return value === undefined || value === null ? null : this.text(value);
  }

  /** A short name (tool_name, goal_id, intent) cut to its column's length. */
  name(value: unknown, max: number): string | null {
    return sanitizeName(value, max, this.sanitizer);
  }
}

/** String(value), or a marker when the value cannot be turned into one (a throwing toString). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

/** Milliseconds as a non-negative int4, or null. */
export function toDuration(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return Math.min(2_147_483_647, Math.max(0, Math.round(value)));
}

export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  return null;
}

/** The fields of a process result, each accepted in camelCase or the seed's snake_case. */
export interface ResultFields {
  goalId: unknown;
  intent: unknown;
  success: unknown;
  error: unknown;
  metadata: unknown;
  selectedTools: unknown;
  toolParameters: unknown;
  executionResult: unknown;
  durationMs: unknown;
}

export function readResult(result: unknown): ResultFields | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const r = result as ProcessResult;
  return {
    goalId: r.goalId ?? r.goal_id,
    intent: r.intent,
    success: r.success,
    error: r.error,
    metadata: r.metadata,
    selectedTools: r.selectedTools ?? r.selected_tools,
    toolParameters: r.toolParameters ?? r.tool_parameters,
    executionResult: r.executionResult ?? r.execution_result,
    durationMs: r.durationMs ?? r.duration_ms,
  };
}

/** Picks the part of a per-tool value (object keyed by name, array by position) for one tool. */
export function pickFor(value: unknown, toolName: string, index: number, count: number): unknown {
  if (count === 1 || value === undefined || value === null) return value;
  if (Array.isArray(value)) return value.length === count ? value[index] : value;
  if (typeof value === 'object' && Object.hasOwn(value, toolName))
    return (value as Record<string, unknown>)[toolName];
  return value;
}

export type { ExecutionRow, ToolExecutionRow };
