import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRunRecorder, type ExecutionStore } from '../src/index.js';
import { executionsOf, openRowsFixture, toolsOf } from './helpers/middleware-rows.js';

let store: ExecutionStore;
let db: pg.Pool;
let spoolDir: () => Promise<string>;

beforeAll(async () => {
  ({ store, db, spoolDir } = await openRowsFixture());
});

/** The outcome buckets must agree with the executions they count, whatever was updated. */
async function outcomesAgree(): Promise<void> {
  const buckets = (
    await db.query(
      `SELECT sum(total)::int AS total, sum(rated)::int AS rated, sum(successes)::int AS successes
         FROM execution_outcomes_hourly`,
    )
  ).rows[0];
  const rows = (
    await db.query(
      `SELECT count(*)::int AS total, count(success)::int AS rated,
              (count(*) FILTER (WHERE success))::int AS successes FROM executions`,
    )
  ).rows[0];
  expect(buckets).toEqual(rows);
}

describe('open runs count against maxQueueRows (issue 10.5)', () => {
  it('a run with many tool calls is written as it goes, bounded in memory, and ends as one execution', async () => {
    const recorder = createRunRecorder({
      store,
      spoolDir: await spoolDir(),
      batchSize: 20,
      maxQueueRows: 50,
    });
    const runId = 'trace_long_agent';
    recorder.startRun({ runId, goalText: 'long open run', intent: 'research' });
    let peak = 0;
    for (let i = 0; i < 1_000; i++) {
      recorder.startTool({ runId, callId: `call_${i}`, toolName: `t${i % 7}`, parameters: { i } });
      recorder.endTool({ runId, callId: `call_${i}`, result: i });
      peak = Math.max(peak, recorder.stats().openRows);
    }
    expect(peak).toBeLessThanOrEqual(50);
    await recorder.flush();
    // While the run is still open, its execution is in the database (success null, `_open`) with
    // all but the last few tool runs: a crash now loses at most those.
    const [open] = await executionsOf(db, 'long open run');
    expect(open).toMatchObject({ success: null, metadata: { _open: true } });
    expect((await toolsOf(db, open.execution_id)).length).toBeGreaterThanOrEqual(1_000 - 20);
    await outcomesAgree();

    recorder.endRun({ runId, success: true, metadata: { steps: 1_000 } });
    await recorder.close();
    const executions = await executionsOf(db, 'long open run');
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({
      success: true,
      intent: 'research',
      metadata: { steps: 1_000 },
    });
    const tools = await toolsOf(db, open.execution_id);
    expect(tools).toHaveLength(1_000);
    expect(new Set(tools.map((t) => t.result)).size).toBe(1_000);
    await outcomesAgree();
  });

  it('many concurrent open runs together stay within the bound', async () => {
    const recorder = createRunRecorder({
      store,
      spoolDir: await spoolDir(),
      batchSize: 10,
      maxQueueRows: 40,
    });
    let peak = 0;
    for (let step = 0; step < 5; step++)
      for (let r = 0; r < 60; r++) {
        const runId = `trace_many_${r}`;
        if (step === 0) recorder.startRun({ runId, goalText: 'many open runs' });
        recorder.endTool({ runId, callId: `c${step}`, toolName: 'x', result: step });
        peak = Math.max(peak, recorder.stats().openRows);
      }
    expect(peak).toBeLessThanOrEqual(40);
    for (let r = 0; r < 60; r++)
      recorder.endRun({ runId: `trace_many_${r}`, success: r % 2 === 0 });
    await recorder.close();
    const executions = await executionsOf(db, 'many open runs');
    expect(executions).toHaveLength(60);
    expect(executions.filter((e) => e.success === true)).toHaveLength(30);
    expect(executions.filter((e) => e.metadata._open !== undefined)).toHaveLength(0);
    const tools = await db.query(
      `SELECT count(*)::int AS n FROM tool_executions t JOIN executions e USING (execution_id)
        WHERE e.goal_text = 'many open runs'`,
    );
    expect(tools.rows[0].n).toBe(300);
    await outcomesAgree();
  });

  it("a run's own metadata cannot mark its final row provisional (a late tool's stand-in row never replaces it)", async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    for (const [runId, given] of [
      ['trace_user_open_1', true],
      ['trace_user_open_2', [true]],
    ] as const) {
      recorder.startRun({ runId, goalText: 'user open key', metadata: { _open: given } });
      recorder.endRun({ runId, success: true, metadata: { note: 'done' } });
    }
    await recorder.flush();
    // A tool reported after its run ended goes out with a stand-in execution row.
    for (const runId of ['trace_user_open_1', 'trace_user_open_2'])
      recorder.endTool({ runId, callId: 'late', toolName: 'late_tool', result: 1 });
    await recorder.close();
    const executions = await executionsOf(db, 'user open key');
    expect(executions).toHaveLength(2);
    for (const e of executions) {
      expect(e).toMatchObject({ success: true, metadata: { note: 'done' } });
      expect(e.metadata._open).toBeUndefined();
      expect(e.metadata._openGiven === true || Array.isArray(e.metadata._openGiven)).toBe(true);
      expect(await toolsOf(db, e.execution_id)).toHaveLength(1);
    }
    await outcomesAgree();
  });
});
