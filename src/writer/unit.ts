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

/** One JSON line for the spool. Dates become ISO strings; `reviveUnit` turns them back. */
export function serializeUnit(unit: HistoryUnit): string {
  return JSON.stringify(unit) + '\n';
}

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Parses one spool line; returns undefined for a line that is not a unit (a torn last write). */
export function reviveUnit(line: string): HistoryUnit | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const unit = parsed as HistoryUnit;
  if (typeof unit.execution !== 'object' || unit.execution === null) return undefined;
  if (!Array.isArray(unit.tools)) return undefined;
  unit.execution.createdAt = toDate(unit.execution.createdAt);
  for (const tool of unit.tools) tool.createdAt = toDate(tool.createdAt);
  return unit;
}
