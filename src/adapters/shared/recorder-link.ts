import {
  createRunRecorder,
  type CloseReport,
  type FlushReport,
  type ModelCallInput,
  type RecorderOptions,
  type RunAbandonInput,
  type RunEndInput,
  type RunRecorder,
  type RunStartInput,
  type ToolEndInput,
  type ToolStartInput,
} from '../../index.js';

/**
 * Where an adapter sends what it sees: options for a recorder of its own (`{ store, ...writer
 * options }`), or an existing recorder (the handle `attachExecutionHistory` returns, or one from
 * `createRunRecorder`) so that one writer and spool serve the whole process.
 */
export type HistoryTarget = RunRecorder | RecorderOptions;

function isRecorder(target: HistoryTarget): target is RunRecorder {
  return typeof (target as Partial<RunRecorder>).startRun === 'function';
}

/**
 * An adapter's line to the run assembly. It knows which runs this adapter opened, so that closing
 * an adapter on a shared recorder gives up only its own runs and leaves the recorder open.
 */
export class RecorderLink {
  readonly recorder: RunRecorder;
  private readonly owned: boolean;
  private readonly open = new Set<string>();
  private closing: Promise<CloseReport | FlushReport> | undefined;

  constructor(target: HistoryTarget) {
    this.owned = !isRecorder(target);
    this.recorder = isRecorder(target) ? target : createRunRecorder(target);
  }

  startRun(input: RunStartInput & { runId: string }): void {
    this.open.add(input.runId);
    this.recorder.startRun(input);
  }

  startTool(input: ToolStartInput): void {
    this.recorder.startTool(input);
  }

  endTool(input: ToolEndInput): void {
    this.recorder.endTool(input);
  }

  recordModelCall(input: ModelCallInput): void {
    this.recorder.recordModelCall(input);
  }

  endRun(input: RunEndInput & { runId: string }): void {
    this.open.delete(input.runId);
    this.recorder.endRun(input);
  }

  abandonRun(input: RunAbandonInput & { runId: string }): void {
    this.open.delete(input.runId);
    this.recorder.abandonRun(input);
  }

  /** Writes what has been seen so far. */
  flush(options: { timeoutMs?: number } = {}): Promise<FlushReport> {
    return this.recorder.flush(options);
  }

  /**
   * Records this adapter's open runs as unfinished and writes everything. A recorder the adapter
   * made is closed; a shared one is only flushed (it belongs to its owner). Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<CloseReport | FlushReport> {
    if (this.closing === undefined) {
      if (this.owned) this.closing = this.recorder.close(options);
      else {
        for (const runId of [...this.open])
          this.abandonRun({ runId, reason: 'the adapter was closed before the run ended' });
        this.closing = this.recorder.flush(options);
      }
    }
    return this.closing;
  }
}
