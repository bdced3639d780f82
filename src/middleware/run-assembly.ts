import { performance } from 'node:perf_hooks';
import { EndedRuns } from './ended-runs.js';
import { callUuid, runUuid } from '../ids.js';
import type { HistoryUnit } from '../writer/unit.js';
import {
  callKeyOf,
  isRecord,
  mergedMetadata,
  readUsage,
  runKey,
  selectedToolRows,
  toolsNamedBy,
} from './run-parts.js';
import { RepairNotes, readBoolean, readCount, readDuration, readTime } from './field-repair.js';
import type { ExecutionRow, RowBuilder, ToolExecutionRow } from './rows.js';
import type {
  ModelCallInput,
  RunAbandonInput,
  RunEndFromResult,
  RunStartInput,
  ToolEndInput,
  ToolStartInput,
} from './run-inputs.js';
import {
  addModel,
  addUsage,
  keptCalls,
  assemblyMetadata,
  newRunState,
  provisionalRow,
  pruneCalls,
  type CallSlot,
  type RunState,
  type TokenTotals,
  type ToolState,
} from './run-state.js';

/**
 * Ended runs remembered so that late tool events join them (a tool promise that settles after
 * process() returned, a framework reporting a tool after the run). Each costs a few ids; the last
 * this many are always remembered, at most twice as many (a run with a tool still open is never
 * forgotten). A late tool row goes out with a stand-in execution row that never replaces the
 * final one, so it is written at once, in either order.
 * A tool event for a forgotten run opens a run with the same execution id, written at close (so
 * still never a second execution).
 */
const ENDED_RUNS_KEPT = 5_000;

const UNFINISHED_TOOL = 'the history closed before this tool reported its end';

/** How many tool rows runs in progress may hold before they are written ahead of their end. */
export interface HoldLimits {
  /** Ended tool rows one run holds at most (the writer's batch size). */
  perRun: number;
  /** Tool rows all open runs hold at most together (the writer's maxQueueRows). */
  total: number;
}

/**
 * The bookkeeping of runs: turns start/tool/model/end calls into one execution row and its tool
 * rows, and hands them to `sink` as units. Synchronous and bounded; every method assumes it runs
 * inside the recorder's guard, so a fault here never reaches the caller.
 */
export class RunAssembly {
  private readonly runs = new Map<string, RunState>();
  private readonly ended = new EndedRuns(ENDED_RUNS_KEPT);
  private endedCount = 0;
  private heldRows = 0;

  constructor(
    private readonly rows: RowBuilder,
    private readonly sink: (unit: HistoryUnit) => void,
    private readonly limits: HoldLimits = { perRun: Infinity, total: Infinity },
  ) {}

  /** Runs ended so far (ended or abandoned). */
  get endedRuns(): number {
    return this.endedCount;
  }

  /** Runs started and not ended yet. */
  get openRuns(): number {
    return this.runs.size;
  }

  /** Tool rows held in memory by runs in progress and by ended runs' open tools. */
  get held(): number {
    return this.heldRows;
  }

  private open(key: string): RunState {
    let run = this.runs.get(key);
    if (run === undefined) {
      run = newRunState(runUuid(key));
      this.runs.set(key, run);
    }
    return run;
  }

  startRun(input: RunStartInput): void {
    const key = runKey(input.runId);
    if (this.ended.has(key)) return; // a redelivered start of a run already ended
    const run = this.open(key);
    run.goalText = this.rows.text(input.goalText ?? '');
    run.goalId = this.rows.name(input.goalId, 255);
    run.intent = this.rows.name(input.intent, 50);
    const startedAt = readTime(input.startedAt, 'run startedAt', run.notes);
    if (startedAt !== null) {
      run.createdAt = startedAt;
      run.startMs = startedAt.getTime();
    }
    if (isRecord(input.metadata)) run.metadata = { ...input.metadata };
  }

  startTool(input: ToolStartInput): void {
    const key = runKey(input.runId);
    const live = this.runs.get(key);
    const late = live === undefined ? this.ended.get(key) : undefined;
    const run = late === undefined ? (live ?? this.open(key)) : undefined;
    const calls = late !== undefined ? (late.calls ??= new Map()) : run!.calls;
    const callKey = callKeyOf(input.callId);
    const slot = calls.get(callKey) ?? { uses: 0, open: undefined };
    if (slot.open !== undefined) return; // a redelivered start
    calls.set(callKey, slot);
    const notes = run?.notes ?? new RepairNotes(0); // a late event's notes have nowhere to go
    const startedAt = readTime(input.startedAt, 'startedAt', notes, callKey);
    const tool = this.newTool(
      late?.executionId ?? run!.executionId,
      callKey,
      slot,
      input.toolName,
      input.parameters,
      startedAt ?? new Date(),
    );
    tool.startMs = startedAt?.getTime() ?? null;
    slot.open = tool;
    this.heldRows += 1;
    if (late !== undefined) late.open += 1;
    else run!.tools.push(tool);
  }

  endTool(input: ToolEndInput): void {
    const key = runKey(input.runId);
    const live = this.runs.get(key);
    const late = live === undefined ? this.ended.get(key) : undefined;
    const run = late === undefined ? (live ?? this.open(key)) : undefined;
    const calls = late !== undefined ? (late.calls ??= new Map()) : run!.calls;
    const callKey = callKeyOf(input.callId);
    let slot = calls.get(callKey);
    if (slot !== undefined && slot.open === undefined) return; // a redelivered end
    const notes = run?.notes ?? new RepairNotes(0); // a late event's notes have nowhere to go
    const endedAt = readTime(input.endedAt, 'endedAt', notes, callKey);
    let tool = slot?.open;
    if (tool === undefined) {
      slot = { uses: 0, open: undefined };
      calls.set(callKey, slot);
      const startedAt = readTime(input.startedAt, 'startedAt', notes, callKey);
      const duration = readDuration(input.durationMs, 'durationMs', notes, callKey);
      const createdAt =
        startedAt ??
        (endedAt !== null && duration !== null ? new Date(endedAt.getTime() - duration) : null);
      tool = this.newTool(
        late?.executionId ?? run!.executionId,
        callKey,
        slot,
        input.toolName,
        input.parameters,
        createdAt ?? endedAt ?? new Date(),
      );
      tool.startMs = createdAt?.getTime() ?? null;
      tool.t0 = Number.NaN; // not seen starting: no measured duration
      if (late === undefined) run!.tools.push(tool);
      this.heldRows += 1;
    } else if (late !== undefined) late.open -= 1;
    slot!.open = undefined;
    this.applyEnd(tool, input, endedAt, notes, callKey);
    if (late !== undefined) {
      this.heldRows -= 1;
      if (late.open === 0 && slot!.uses === 1) calls.delete(callKey);
      this.sink({ execution: provisionalRow(late.executionId, late.createdAt), tools: [tool.row] });
      return;
    }
    run!.endedTools += 1;
    if (run!.endedTools >= this.limits.perRun) this.sendEarly(run!);
    if (this.heldRows >= this.limits.total) for (const r of this.runs.values()) this.sendEarly(r);
  }

  /**
   * Hands a run's ended tool rows to the writer before the run ends, with a provisional execution
   * row (success null, `metadata._open`) that the final one replaces: so a run with thousands of
   * tool calls holds at most `limits.perRun` of them, and a crash loses only those.
   */
  private sendEarly(run: RunState): void {
    if (run.endedTools === 0) return;
    const tools: ToolExecutionRow[] = [];
    const open: ToolState[] = [];
    for (const tool of run.tools) {
      if (tool.ended) tools.push(tool.row);
      else open.push(tool);
    }
    run.tools = open;
    run.endedTools = 0;
    run.sentEarly = true;
    pruneCalls(run.calls);
    this.heldRows -= tools.length;
    const metadata = mergedMetadata(this.rows, run.metadata, undefined, { _open: true });
    this.sink({
      execution: provisionalRow(run.executionId, run.createdAt, run, metadata),
      tools,
    });
  }

  private newTool(
    executionId: string,
    callKey: string,
    slot: CallSlot,
    toolName: unknown,
    parameters: unknown,
    createdAt: Date,
  ): ToolState {
    slot.uses += 1;
    const key = slot.uses === 1 ? callKey : `${callKey}#${slot.uses}`;
    return {
      t0: performance.now(),
      startMs: null,
      ended: false,
      row: {
        callId: callUuid(executionId, key),
        executionId,
        toolName: this.rows.name(toolName, 255) ?? 'unknown',
        parameters: this.rows.optionalJson(parameters),
        result: null,
        success: false,
        error: null,
        durationMs: null,
        createdAt,
      },
    };
  }

  private applyEnd(
    tool: ToolState,
    input: ToolEndInput,
    endedAt: Date | null,
    notes: RepairNotes,
    callKey: string,
  ): void {
    tool.ended = true;
    const row = tool.row;
    if (row.parameters === null && input.parameters !== undefined)
      row.parameters = this.rows.optionalJson(input.parameters);
    if (row.toolName === 'unknown' && input.toolName !== undefined)
      row.toolName = this.rows.name(input.toolName, 255) ?? 'unknown';
    row.result = this.rows.optionalJson(input.result);
    row.error = this.rows.optionalText(input.error);
    row.success = readBoolean(input.success, 'success', notes, callKey) ?? row.error === null;
    const given = readDuration(input.durationMs, 'durationMs', notes, callKey);
    if (given !== null) {
      row.durationMs = given;
      return;
    }
    const byClock =
      endedAt !== null && tool.startMs !== null ? endedAt.getTime() - tool.startMs : Number.NaN;
    const measured = performance.now() - tool.t0;
    row.durationMs =
      byClock >= 0 ? Math.round(byClock) : Number.isFinite(measured) ? Math.round(measured) : null;
  }

  recordModelCall(input: ModelCallInput): void {
    const key = runKey(input.runId);
    if (!this.runs.has(key) && this.ended.has(key)) return; // the row is already written
    this.addModelCall(this.open(key), input.model, input.usage);
  }

  private addModelCall(run: RunState, model: unknown, usage: unknown): void {
    if (typeof model === 'string' && model.length > 0) addModel(run, this.rows.name(model, 255)!);
    else if (model !== undefined && model !== null) run.notes.add('model: not a string; left out');
    const counts = readUsage(usage, run.notes);
    if (counts === undefined) return;
    addUsage(run, counts);
  }

  endRun(input: RunEndFromResult): void {
    const key = runKey(input.runId);
    const live = this.runs.get(key);
    if (live === undefined && this.ended.has(key)) return; // a redelivered end
    const run = live ?? this.open(key);
    this.addModelCall(run, input.model, input.usage);
    const error = this.rows.optionalText(input.error);
    const endedAt = readTime(input.endedAt, 'run endedAt', run.notes);
    const given = readDuration(input.durationMs, 'run durationMs', run.notes);
    const byClock =
      endedAt !== null && run.startMs !== null ? endedAt.getTime() - run.startMs : Number.NaN;
    const success = readBoolean(input.success, 'run success', run.notes) ?? error === null;
    const extra = assemblyMetadata(run);
    if (input.result !== undefined) extra.result = input.result;
    this.finish(
      key,
      run,
      {
        executionId: run.executionId,
        goalId: this.rows.name(input.goalId, 255) ?? run.goalId,
        goalText: run.goalText,
        intent: this.rows.name(input.intent, 50) ?? run.intent,
        success,
        error,
        durationMs: given ?? Math.round(byClock >= 0 ? byClock : performance.now() - run.t0),
        createdAt: run.createdAt,
        metadata: mergedMetadata(this.rows, run.metadata, input.metadata, extra),
      },
      input,
    );
  }

  /** Records a run that will not end (success null, `metadata._unfinished`). */
  abandonRun(input: RunAbandonInput): void {
    const key = runKey(input.runId);
    if (!this.runs.has(key) && this.ended.has(key)) return;
    const run = this.open(key);
    this.finish(
      key,
      run,
      {
        executionId: run.executionId,
        goalId: run.goalId,
        goalText: run.goalText,
        intent: run.intent,
        success: null,
        error: this.rows.optionalText(input.reason),
        durationMs: Math.round(performance.now() - run.t0),
        createdAt: run.createdAt,
        metadata: mergedMetadata(this.rows, run.metadata, undefined, {
          ...assemblyMetadata(run),
          _unfinished: true,
        }),
      },
      undefined,
    );
  }

  /** At close: abandons every open run and writes tools still open as unfinished. */
  closeAll(): void {
    for (const key of [...this.runs.keys()]) this.abandonRun({ runId: key });
    for (const key of [...this.ended.keys()]) this.forget(key);
  }

  private finish(
    key: string,
    run: RunState,
    row: ExecutionRow,
    end: RunEndFromResult | undefined,
  ): void {
    this.runs.delete(key);
    this.endedCount += 1;
    const tools: ToolExecutionRow[] = [];
    let open = 0;
    for (const tool of run.tools) {
      if (tool.ended) tools.push(tool.row);
      else open += 1;
    }
    this.heldRows -= tools.length;
    if (tools.length === 0 && !run.sentEarly && open === 0 && end !== undefined) {
      // Read only now: a run that reported its tools never needs the names in its result.
      const selected =
        end.selectedTools ?? (end.namedBy === undefined ? undefined : toolsNamedBy(end.namedBy));
      if (selected !== undefined) tools.push(...selectedToolRows(this.rows, row, selected));
    }
    this.ended.add(key, {
      executionId: run.executionId,
      createdAt: run.createdAt,
      calls: keptCalls(run.calls),
      open,
    });
    this.sink({ execution: row, tools });
  }

  /** Drops an ended run from memory; its tools still open are written as unfinished. */
  private forget(key: string): void {
    const ended = this.ended.get(key);
    if (ended === undefined) return;
    this.ended.delete(key);
    if (ended.open === 0) return;
    const tools: ToolExecutionRow[] = [];
    for (const slot of ended.calls?.values() ?? []) {
      const tool = slot.open;
      if (tool === undefined) continue;
      slot.open = undefined;
      tool.row.error = UNFINISHED_TOOL;
      tool.row.durationMs = Math.round(performance.now() - tool.t0);
      tools.push(tool.row);
    }
    this.heldRows -= tools.length;
    this.sink({ execution: provisionalRow(ended.executionId, ended.createdAt), tools });
  }
}
