import { performance } from 'node:perf_hooks';
import { isUuid, newId } from '../ids.js';
import type { HistoryUnit } from '../writer/unit.js';
import {
  toDate,
  toDuration,
  type RowBuilder,
  type ExecutionRow,
  type ToolExecutionRow,
} from './rows.js';
import type {
  ModelCallInput,
  RunAbandonInput,
  RunEndInput,
  RunStartInput,
  SelectedTool,
  ToolEndInput,
  ToolStartInput,
} from './run-inputs.js';

interface ToolState {
  row: ToolExecutionRow;
  callKey: string;
  t0: number;
  ended: boolean;
}

interface RunState {
  executionId: string;
  goalText: string;
  goalId: string | null;
  intent: string | null;
  createdAt: Date;
  t0: number;
  metadata: Record<string, unknown> | undefined;
  tools: ToolState[];
}

const EMPTY_JSON = '{}';
const UNFINISHED_JSON = '{"_unfinished":true}';

/**
 * The bookkeeping of runs in progress: turns start/tool/end calls into one execution row and its
 * tool rows, and hands each finished run to `sink` as one unit. Synchronous and bounded; every
 * method assumes it is called inside a guard (the recorder's), so a fault here never reaches the
 * caller.
 */
export class RunAssembly {
  private readonly runs = new Map<string, RunState>();
  private ended = 0;

  constructor(
    private readonly rows: RowBuilder,
    private readonly sink: (unit: HistoryUnit) => void,
  ) {}

  /** Runs ended so far (ended or abandoned). */
  get endedRuns(): number {
    return this.ended;
  }

  /** Runs started and not ended yet. */
  get openRuns(): number {
    return this.runs.size;
  }

  private run(runId: unknown): RunState {
    const key = String(runId);
    let run = this.runs.get(key);
    if (run === undefined) {
      run = {
        executionId: isUuid(key) ? key : newId(),
        goalText: '',
        goalId: null,
        intent: null,
        createdAt: new Date(),
        t0: performance.now(),
        metadata: undefined,
        tools: [],
      };
      this.runs.set(key, run);
    }
    return run;
  }

  startRun(input: RunStartInput): void {
    const run = this.run(input.runId);
    run.goalText = this.rows.text(input.goalText ?? '');
    run.goalId = this.rows.name(input.goalId, 255);
    run.intent = this.rows.name(input.intent, 50);
    const startedAt = toDate(input.startedAt);
    if (startedAt !== null) run.createdAt = startedAt;
    if (isRecord(input.metadata)) run.metadata = { ...input.metadata };
  }

  /** A tool run's state as of its start (or of its end, for an end without a start). */
  private addTool(
    run: RunState,
    callKey: string,
    toolName: unknown,
    parameters: unknown,
    createdAt: Date,
  ): ToolState {
    const tool: ToolState = {
      callKey,
      t0: performance.now(),
      ended: false,
      row: {
        callId: isUuid(callKey) ? callKey : newId(),
        executionId: run.executionId,
        toolName: this.rows.name(toolName, 255) ?? 'unknown',
        parameters: this.rows.optionalJson(parameters),
        result: null,
        success: false,
        error: null,
        durationMs: null,
        createdAt,
      },
    };
    run.tools.push(tool);
    return tool;
  }

  startTool(input: ToolStartInput): void {
    const run = this.run(input.runId);
    this.addTool(
      run,
      String(input.callId),
      input.toolName,
      input.parameters,
      toDate(input.startedAt) ?? new Date(),
    );
  }

  endTool(input: ToolEndInput): void {
    const run = this.run(input.runId);
    const callKey = String(input.callId);
    let tool: ToolState | undefined;
    for (let i = run.tools.length - 1; i >= 0; i--)
      if (run.tools[i]!.callKey === callKey && !run.tools[i]!.ended) {
        tool = run.tools[i];
        break;
      }
    const now = performance.now();
    tool ??= this.addTool(run, callKey, input.toolName, input.parameters, new Date());
    tool.ended = true;
    const row = tool.row;
    if (row.parameters === null && input.parameters !== undefined)
      row.parameters = this.rows.optionalJson(input.parameters);
    row.success = input.success ?? input.error === undefined;
    row.result = this.rows.optionalJson(input.result);
    row.error = this.rows.optionalText(input.error);
    row.durationMs = toDuration(input.durationMs) ?? toDuration(now - tool.t0);
  }

  recordModelCall(input: ModelCallInput): void {
    this.run(input.runId);
  }

  endRun(input: RunEndInput): void {
    const run = this.run(input.runId);
    const error = this.rows.optionalText(input.error);
    this.finish(
      input.runId,
      {
        executionId: run.executionId,
        goalId: this.rows.name(input.goalId, 255) ?? run.goalId,
        goalText: run.goalText,
        intent: this.rows.name(input.intent, 50) ?? run.intent,
        success: input.success ?? error === null,
        error,
        durationMs: toDuration(input.durationMs) ?? toDuration(performance.now() - run.t0),
        createdAt: run.createdAt,
        metadata: this.metadata(run, input.metadata),
      },
      input.selectedTools,
    );
  }

  /** Records a run that will not end (success null, `metadata._unfinished`). */
  abandonRun(input: RunAbandonInput): void {
    const run = this.run(input.runId);
    this.finish(
      input.runId,
      {
        executionId: run.executionId,
        goalId: run.goalId,
        goalText: run.goalText,
        intent: run.intent,
        success: null,
        error: this.rows.optionalText(input.reason),
        durationMs: toDuration(performance.now() - run.t0),
        createdAt: run.createdAt,
        metadata:
          run.metadata === undefined
            ? UNFINISHED_JSON
            : this.rows.json({ ...run.metadata, _unfinished: true }),
      },
      undefined,
    );
  }

  /** Abandons every open run (at close). */
  abandonAll(): void {
    for (const key of [...this.runs.keys()]) this.abandonRun({ runId: key });
  }

  private metadata(run: RunState, end: unknown): string {
    if (run.metadata === undefined)
      return end === undefined || end === null ? EMPTY_JSON : this.rows.json(end);
    if (end === undefined || end === null) return this.rows.json(run.metadata);
    return this.rows.json(
      isRecord(end) ? { ...run.metadata, ...end } : { ...run.metadata, value: end },
    );
  }

  private finish(
    runId: unknown,
    row: ExecutionRow,
    selected: readonly SelectedTool[] | undefined,
  ): void {
    const run = this.run(runId);
    this.runs.delete(String(runId));
    this.ended += 1;
    const tools: ToolExecutionRow[] = [];
    for (const tool of run.tools) {
      if (!tool.ended) {
        tool.row.error = 'the run ended before this tool reported tool:end';
        tool.row.durationMs = toDuration(performance.now() - tool.t0);
      }
      tools.push(tool.row);
    }
    if (tools.length === 0 && selected !== undefined) this.selectedTools(run, row, selected, tools);
    this.sink({ execution: row, tools });
  }

  /** No tool events: log the tools the run names, if any. */
  private selectedTools(
    run: RunState,
    row: ExecutionRow,
    selected: readonly SelectedTool[],
    tools: ToolExecutionRow[],
  ): void {
    for (const tool of selected) {
      const name = this.rows.name(tool.toolName, 255);
      if (name === null || name.length === 0) continue;
      tools.push({
        callId: newId(),
        executionId: run.executionId,
        toolName: name,
        parameters: this.rows.optionalJson(tool.parameters),
        result: this.rows.optionalJson(tool.result),
        success: row.success !== false,
        error: row.error,
        durationMs: null,
        createdAt: run.createdAt,
      });
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
