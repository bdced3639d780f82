import { callUuid, runUuid, uuidV5 } from '../ids.js';
import { RepairNotes, readCount } from './field-repair.js';
import {
  pickFor,
  safeString,
  type ExecutionRow,
  type ResultFields,
  type RowBuilder,
  type ToolExecutionRow,
} from './rows.js';
import type { SelectedTool } from './run-inputs.js';
import type { TokenTotals } from './run-state.js';

/** Pure pieces of the run assembly: they read inputs and build rows, holding no state. */

/**
 * Ids longer than this are kept in memory by a digest: ended runs are remembered by key (up to
 * 10,000), so megabyte-long ids would otherwise hold gigabytes.
 */
const MAX_KEY_LENGTH = 256;

/**
 * The map key of a run id: strings and numbers as given (1 and '1' are the same run); a long id
 * by its execution id (the UUIDv5 runUuid makes of it), so the row's id is the same either way.
 */
export function runKey(runId: unknown): string {
  const key = typeof runId === 'string' ? runId : safeString(runId);
  return key.length > MAX_KEY_LENGTH ? runUuid(key) : key;
}

/** The map key of a call id within its run: as given, a long one by a digest (see runKey). */
export function callKeyOf(callId: unknown): string {
  const key = typeof callId === 'string' ? callId : safeString(callId);
  return key.length > MAX_KEY_LENGTH ? uuidV5(`call-key:${key}`) : key;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A model call's usage as counts (bad counts left out and noted); the total is input + output
 * when not given. Undefined when there is no usage to add.
 */
export function readUsage(usage: unknown, notes: RepairNotes): TokenTotals | undefined {
  if (usage === undefined || usage === null) return undefined;
  if (typeof usage !== 'object') {
    notes.add('usage: not an object; left out');
    return undefined;
  }
  const u = usage as Record<string, unknown>;
  const counts: TokenTotals = {
    inputTokens: readCount(u.inputTokens, 'usage.inputTokens', notes),
    outputTokens: readCount(u.outputTokens, 'usage.outputTokens', notes),
    totalTokens: readCount(u.totalTokens, 'usage.totalTokens', notes),
  };
  if (
    counts.totalTokens === undefined &&
    counts.inputTokens !== undefined &&
    counts.outputTokens !== undefined
  )
    counts.totalTokens = counts.inputTokens + counts.outputTokens;
  return counts;
}

/**
 * The execution's metadata: the start's, then the end's (a non-object end value is kept as
 * `value`), then what the assembly adds. Stored as the end gave it when nothing is merged.
 */
export function mergedMetadata(
  rows: RowBuilder,
  start: Record<string, unknown> | undefined,
  end: unknown,
  extra: Record<string, unknown>,
): string {
  const hasEnd = end !== undefined && end !== null;
  const hasExtra = hasOwnKey(extra);
  if (start === undefined && !hasExtra && !(isRecord(end) && Object.hasOwn(end, OPEN_KEY)))
    return hasEnd ? rows.json(end) : '{}';
  const merged: Record<string, unknown> = { ...start };
  if (hasEnd) Object.assign(merged, isRecord(end) ? end : { value: end });
  // `_open` marks the stand-in row of a run in progress, which a later row of the run replaces:
  // the run's own metadata must not set it, or its final row could be replaced by a stand-in.
  if (Object.hasOwn(merged, OPEN_KEY)) {
    merged._openGiven = merged[OPEN_KEY];
    delete merged[OPEN_KEY];
  }
  return rows.json(Object.assign(merged, extra));
}

/** The metadata key of a provisional execution row (see provisionalRow). */
const OPEN_KEY = '_open';

/** True when `o` has an own enumerable key (without listing them all). */
function hasOwnKey(o: Record<string, unknown>): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}

/** The tools a process result names, for a run that reported no tool events. */
export function toolsNamedBy(fields: ResultFields): SelectedTool[] | undefined {
  const names = fields.selectedTools;
  if (!Array.isArray(names) || names.length === 0) return undefined;
  const out: SelectedTool[] = [];
  for (let i = 0; i < names.length; i++) {
    const raw: unknown = names[i];
    if (raw === undefined || raw === null) continue;
    const name = safeString(raw);
    out.push({
      toolName: name,
      parameters: pickFor(fields.toolParameters, name, i, names.length),
      result: pickFor(fields.executionResult, name, i, names.length),
    });
  }
  return out;
}

/** No tool events: the tools the run names, if any, as its tool rows. */
export function selectedToolRows(
  rows: RowBuilder,
  row: ExecutionRow,
  selected: readonly SelectedTool[],
): ToolExecutionRow[] {
  const tools: ToolExecutionRow[] = [];
  for (const [i, tool] of selected.entries()) {
    const name = rows.name(tool.toolName, 255);
    if (name === null || name.length === 0) continue;
    tools.push({
      callId: callUuid(row.executionId, `selected:${i}`),
      executionId: row.executionId,
      toolName: name,
      parameters: rows.optionalJson(tool.parameters),
      result: rows.optionalJson(tool.result),
      success: row.success !== false,
      error: row.error,
      durationMs: null,
      createdAt: row.createdAt,
    });
  }
  return tools;
}
