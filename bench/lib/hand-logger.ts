// (b2) of bench:ingest: what a team would write by hand instead of the library. It listens to the
// same orchestrator's events, builds the same rows from them (JSON.stringify; no masking, no
// sanitizing, no bounds, no spool, no retry) and writes them with the raw path's statement, batch
// size and two connections. Against (a) it measures what the library itself adds, with the
// orchestrator's own cost on both sides.
import type pg from 'pg';
import type { Orchestrator } from '../../src/index.js';
import { bulkInsertRuns } from '../../src/sql/executions.js';
import type { ExecutionRow, ToolExecutionRow } from '../../src/schema/rows.js';

interface Unit {
  execution: ExecutionRow;
  tools: ToolExecutionRow[];
}

interface OpenRun {
  createdAt: Date;
  tools: ToolExecutionRow[];
  parameters: Map<string, unknown>;
}

const json = (v: unknown): string => JSON.stringify(v ?? null);

export class HandLogger {
  private readonly open = new Map<string, OpenRun>();
  private readonly pending: Unit[] = [];
  private head = 0;
  private waiting: Array<() => void> = [];
  private ended = false;
  private inFlightRows = 0;
  private pendingRows = 0;
  private lanes: Array<Promise<void>> = [];

  constructor(
    orchestrator: Orchestrator,
    private readonly pool: pg.Pool,
    private readonly runsPerBatch: number,
  ) {
    orchestrator.on('process:start', (e) => {
      this.open.set(String(e.runId), { createdAt: new Date(), tools: [], parameters: new Map() });
    });
    orchestrator.on('tool:start', (e) => {
      this.open.get(String(e.runId))?.parameters.set(e.callId, e.parameters);
    });
    orchestrator.on('tool:end', (e) => {
      const run = this.open.get(String(e.runId));
      if (run === undefined) return;
      run.tools.push({
        callId: e.callId,
        executionId: String(e.runId),
        toolName: e.toolName,
        parameters: json(run.parameters.get(e.callId)),
        result: json(e.result),
        success: e.success !== false,
        error: e.error === undefined ? null : String(e.error),
        durationMs: Math.round(e.durationMs ?? 0),
        createdAt: new Date(),
      });
    });
    orchestrator.on('process:end', (e) => {
      const run = this.open.get(String(e.runId));
      if (run === undefined) return;
      this.open.delete(String(e.runId));
      const r = e.result as { success?: boolean; intent?: string; durationMs?: number };
      this.push({
        execution: {
          executionId: String(e.runId),
          goalId: null,
          goalText: String((e.result as { goalText?: string }).goalText ?? ''),
          intent: r.intent ?? null,
          success: r.success ?? null,
          error: null,
          durationMs: Math.round(r.durationMs ?? 0),
          createdAt: run.createdAt,
          metadata: '{}',
        },
        tools: run.tools,
      });
    });
    this.lanes = [this.lane(), this.lane()];
  }

  /** Rows built and not yet committed (the producer paces itself on this, as (a) does). */
  get queuedRows(): number {
    return this.pendingRows + this.inFlightRows;
  }

  private push(unit: Unit): void {
    this.pending.push(unit);
    this.pendingRows += 1 + unit.tools.length;
    this.waiting.pop()?.();
  }

  private take(): Unit[] {
    const batch = this.pending.slice(this.head, this.head + this.runsPerBatch);
    this.head += batch.length;
    if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
    }
    return batch;
  }

  private async lane(): Promise<void> {
    const client = await this.pool.connect();
    try {
      for (;;) {
        const batch = this.take();
        if (batch.length === 0) {
          if (this.ended) return;
          await new Promise<void>((resolve) => this.waiting.push(resolve));
          continue;
        }
        let rows = 0;
        for (const u of batch) rows += 1 + u.tools.length;
        this.pendingRows -= rows;
        this.inFlightRows += rows;
        const q = bulkInsertRuns(
          batch.map((u) => u.execution),
          batch.flatMap((u) => u.tools),
        );
        await client.query(q.text, q.values);
        this.inFlightRows -= rows;
      }
    } finally {
      client.release();
    }
  }

  /** Writes what is left and stops. */
  async end(): Promise<void> {
    this.ended = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.lanes);
  }
}
