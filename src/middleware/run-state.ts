import { performance } from 'node:perf_hooks';
import type { ExecutionRow, ToolExecutionRow } from './rows.js';
import { RepairNotes } from './field-repair.js';

/** One tool run being assembled. */
export interface ToolState {
  row: ToolExecutionRow;
  /** performance.now() when the middleware saw its start. */
  t0: number;
  /** The wall-clock start the caller gave, for `endedAt - startedAt`. */
  startMs: number | null;
  ended: boolean;
}

/**
 * The uses of one foreign call id within a run. A second start after the first call ended is a
 * new call (its id gets `#2`, `#3`, … before mapping); a repeated start or end of the same call
 * is a redelivery and changes nothing.
 */
export interface CallSlot {
  uses: number;
  open: ToolState | undefined;
}

export interface TokenTotals {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export interface RunState {
  executionId: string;
  goalText: string;
  goalId: string | null;
  intent: string | null;
  createdAt: Date;
  /** The wall-clock start the caller gave, for `endedAt - startedAt`. */
  startMs: number | null;
  t0: number;
  metadata: Record<string, unknown> | undefined;
  /** Tool runs held in start order: open ones and ended ones not handed to the writer yet. */
  tools: ToolState[];
  /** How many of `tools` have ended. */
  endedTools: number;
  calls: Map<string, CallSlot>;
  notes: RepairNotes;
  model: string | undefined;
  /** Distinct model ids, made on the first model call. */
  models: string[] | undefined;
  usage: TokenTotals | undefined;
  /** True once part of the run went to the writer ahead of its end (rows held past the bound). */
  sentEarly: boolean;
}

/** What is kept of an ended run, so tool events arriving after its end join it. */
export interface EndedRun {
  executionId: string;
  createdAt: Date;
  /**
   * Only the calls still open or used more than once (the rest need no bookkeeping); undefined
   * when there are none, until a late tool event needs one.
   */
  calls: Map<string, CallSlot> | undefined;
  /** Tool runs started and not ended yet. */
  open: number;
}

export function newRunState(executionId: string): RunState {
  return {
    executionId,
    goalText: '',
    goalId: null,
    intent: null,
    createdAt: new Date(),
    startMs: null,
    t0: performance.now(),
    metadata: undefined,
    tools: [],
    endedTools: 0,
    calls: new Map(),
    notes: new RepairNotes(),
    model: undefined,
    models: undefined,
    usage: undefined,
    sentEarly: false,
  };
}

/**
 * Forgets the calls that ended after a single use: a redelivered end of one of them maps to the
 * same call id and is skipped by the database, so keeping them would only cost memory.
 */
export function pruneCalls(calls: Map<string, CallSlot>): void {
  for (const [key, slot] of calls)
    if (slot.open === undefined && slot.uses === 1) calls.delete(key);
}

/**
 * The calls an ended run keeps (see pruneCalls): undefined when none is left, without emptying the
 * map entry by entry (the usual case: every call ended once).
 */
export function keptCalls(calls: Map<string, CallSlot>): Map<string, CallSlot> | undefined {
  let keep = false;
  for (const slot of calls.values())
    if (slot.open !== undefined || slot.uses !== 1) {
      keep = true;
      break;
    }
  if (!keep) return undefined;
  pruneCalls(calls);
  return calls;
}

/**
 * A stand-in execution row (success null, `metadata._open`) that lets tool rows be written before
 * their run's final row, which replaces it (see bulkInsertExecutions). Never replaces a final row.
 */
export function provisionalRow(
  executionId: string,
  createdAt: Date,
  goal: { goalText: string; goalId: string | null; intent: string | null } = {
    goalText: '',
    goalId: null,
    intent: null,
  },
  metadata = OPEN_JSON,
): ExecutionRow {
  return {
    executionId,
    goalId: goal.goalId,
    goalText: goal.goalText,
    intent: goal.intent,
    success: null,
    error: null,
    durationMs: null,
    createdAt,
    metadata,
  };
}

const OPEN_JSON = '{"_open":true}';

/** Distinct model ids kept per run at most. */
const MAX_MODELS = 16;

export function addModel(run: RunState, model: string): void {
  run.model = model;
  const models = (run.models ??= []);
  if (!models.includes(model) && models.length < MAX_MODELS) models.push(model);
}

export function addUsage(run: RunState, usage: TokenTotals): void {
  const total = (run.usage ??= {});
  for (const key of ['inputTokens', 'outputTokens', 'totalTokens'] as const) {
    const v = usage[key];
    if (v !== undefined) total[key] = (total[key] ?? 0) + v;
  }
}

/** The keys the assembly adds to an execution's metadata: model, models, usage, repair notes. */
export function assemblyMetadata(run: RunState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (run.model !== undefined) out.model = run.model;
  if (run.models !== undefined && run.models.length > 1) out.models = run.models;
  if (run.usage !== undefined) out.usage = { ...run.usage };
  const notes = run.notes.toMetadata();
  return notes === undefined ? out : Object.assign(out, notes);
}
