import type { ExecutionRow, ToolExecutionRow } from '../schema/rows.js';

/**
 * One run as the writer sees it: the execution row and its tool runs, in start order. A unit is
 * written whole in one transaction, so a tool run never arrives before its execution.
 */
export interface HistoryUnit {
  execution: ExecutionRow;
  tools: ToolExecutionRow[];
}

export function unitRows(unit: HistoryUnit): number {
  return 1 + unit.tools.length;
}

/**
 * Reads one character of each text field, which makes V8 flatten a string built by concatenation
 * (the JSON column texts are) in place: a queued run then holds one string per field instead of a
 * tree of pieces that every garbage collection until its batch is written has to copy.
 */
export function flattenUnit(unit: HistoryUnit): void {
  const e = unit.execution;
  touch(e.metadata);
  touch(e.goalText);
  touch(e.error);
  for (const t of unit.tools) {
    touch(t.parameters);
    touch(t.result);
    touch(t.error);
  }
}

function touch(text: string | null): void {
  if (text !== null && text.length > 0) text.charCodeAt(0);
}

/** One JSON line for the spool. Dates become ISO strings; `parseUnit` turns them back. */
export function serializeUnit(unit: HistoryUnit): string {
  return JSON.stringify(unit) + '\n';
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Fields = Record<string, unknown>;

/** Thrown inside validation only: the reason a line is not a unit. */
class Invalid extends Error {}

function record(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Invalid(`${what} is not an object`);
  return value as Fields;
}

function str(o: Fields, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Invalid(`${what}.${key} is not a string`);
  return v;
}

function strOrNull(o: Fields, key: string, what: string): string | null {
  const v = o[key] ?? null;
  if (v !== null && typeof v !== 'string') throw new Invalid(`${what}.${key} is not a string`);
  return v;
}

function uuid(o: Fields, key: string, what: string): string {
  const v = str(o, key, what);
  if (!UUID_RE.test(v)) throw new Invalid(`${what}.${key} is not a uuid`);
  return v;
}

function numOrNull(o: Fields, key: string, what: string): number | null {
  const v = o[key] ?? null;
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
    throw new Invalid(`${what}.${key} is not a finite number`);
  return v;
}

function dateOrNull(o: Fields, key: string, what: string): Date | null {
  const v = o[key] ?? null;
  if (v === null) return null;
  const d = typeof v === 'string' ? new Date(v) : undefined;
  if (d === undefined || Number.isNaN(d.getTime()))
    throw new Invalid(`${what}.${key} is not a date`);
  return d;
}

function execution(value: unknown): ExecutionRow {
  const o = record(value, 'execution');
  const success = o.success ?? null;
  if (success !== null && typeof success !== 'boolean')
    throw new Invalid('execution.success is not a boolean');
  return {
    executionId: uuid(o, 'executionId', 'execution'),
    goalId: strOrNull(o, 'goalId', 'execution'),
    goalText: str(o, 'goalText', 'execution'),
    intent: strOrNull(o, 'intent', 'execution'),
    success,
    error: strOrNull(o, 'error', 'execution'),
    durationMs: numOrNull(o, 'durationMs', 'execution'),
    createdAt: dateOrNull(o, 'createdAt', 'execution'),
    metadata: str(o, 'metadata', 'execution'),
  };
}

function tool(value: unknown, i: number): ToolExecutionRow {
  const what = `tools[${i}]`;
  const o = record(value, what);
  if (typeof o.success !== 'boolean') throw new Invalid(`${what}.success is not a boolean`);
  return {
    callId: uuid(o, 'callId', what),
    executionId: uuid(o, 'executionId', what),
    toolName: str(o, 'toolName', what),
    parameters: strOrNull(o, 'parameters', what),
    result: strOrNull(o, 'result', what),
    success: o.success,
    error: strOrNull(o, 'error', what),
    durationMs: numOrNull(o, 'durationMs', what),
    createdAt: dateOrNull(o, 'createdAt', what),
  };
}

/**
 * Parses one spool line into a unit, checking every field's type (a line of the right syntax
 * and the wrong shape must never reach the SQL builder). Returns the reason when it is not one.
 */
export function parseUnit(line: string): HistoryUnit | { invalid: string; json: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { invalid: 'not JSON', json: false };
  }
  try {
    const o = record(parsed, 'the line');
    if (!Array.isArray(o.tools)) throw new Invalid('tools is not an array');
    const unit = { execution: execution(o.execution), tools: o.tools.map(tool) };
    for (const t of unit.tools)
      if (t.executionId !== unit.execution.executionId)
        throw new Invalid('a tool run names another execution');
    return unit;
  } catch (error) {
    if (error instanceof Invalid) return { invalid: error.message, json: true };
    throw error;
  }
}
