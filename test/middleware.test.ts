import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  Orchestrator,
  attachExecutionHistory,
  instrument,
  trackTool,
  type HistoryEvents,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

let store: ExecutionStore;
let spoolRoot: string;

beforeAll(async () => {
  ({ store } = await openTestStore());
  spoolRoot = await mkdtemp(path.join(tmpdir(), 'dendrite-mw-'));
});
afterAll(async () => {
  await rm(spoolRoot, { recursive: true, force: true });
});

async function spoolDir(): Promise<string> {
  return await mkdtemp(path.join(spoolRoot, 's-'));
}

async function rowsFor(executionIds: string[]) {
  const executions = (
    await poolOf(store).query('SELECT * FROM executions WHERE execution_id = ANY($1::uuid[])', [
      executionIds,
    ])
  ).rows;
  const tools = (
    await poolOf(store).query(
      'SELECT * FROM tool_executions WHERE execution_id = ANY($1::uuid[]) ORDER BY id',
      [executionIds],
    )
  ).rows;
  return { executions, tools };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('attachExecutionHistory with the reference Orchestrator', () => {
  it('records 500 concurrent runs with 0-5 tools, failures and throws, exactly', async () => {
    const orch = new Orchestrator();
    for (let t = 0; t < 5; t++) {
      orch.registerTool(`step${t}_tool`, async (p) => {
        await sleep(p.numbers[0]! % 3);
        if (p.text.includes('fail')) throw new Error(`tool ${t} failed`);
        return { t, n: p.numbers[0] };
      });
    }
    orch.registerTool(
      'explode_tool',
      () => {
        throw new TypeError('boom');
      },
      { critical: true },
    );
    const handle = attachExecutionHistory(orch, { store, spoolDir: await spoolDir() });
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    interface Expected {
      runId: string;
      tools: string[];
      toolSuccess: boolean[];
      success: boolean;
    }
    const expected: Expected[] = [];
    const goals: Array<{ goal: string; tools: string[]; failAt: number; explode: boolean }> = [];
    for (let i = 0; i < 500; i++) {
      const n = i % 6;
      const failAt = i % 7 === 3 && n > 0 ? i % n : -1;
      const explode = i % 11 === 5;
      const steps: string[] = [];
      const tools: string[] = [];
      for (let s = 0; s < n; s++) {
        const tool = `step${(i + s) % 5}_tool`;
        tools.push(tool);
        steps.push(`step${(i + s) % 5} ${i + s}${s === failAt ? ' fail' : ''}`);
      }
      if (explode) {
        steps.push('explode now');
        tools.push('explode_tool');
      }
      goals.push({
        goal: steps.length ? steps.join(' then ') : `hello number ${i}`,
        tools,
        failAt,
        explode,
      });
    }
    const outcomes = await Promise.allSettled(goals.map((g) => orch.process(g.goal)));
    const runIds: string[] = [];
    let rejected = 0;
    outcomes.forEach((o, i) => {
      const g = goals[i]!;
      if (o.status === 'rejected') {
        rejected++;
        return;
      }
      runIds.push(o.value.runId);
      const ran = g.failAt >= 0 ? g.tools.slice(0, g.failAt + 1) : g.tools;
      expected.push({
        runId: o.value.runId,
        tools: ran,
        toolSuccess: ran.map((_, k) => k !== g.failAt),
        success: g.failAt < 0,
      });
      expect(o.value.success).toBe(g.failAt < 0);
    });
    expect(rejected).toBe(goals.filter((g) => g.explode && g.failAt < 0).length);
    const report = await handle.flush();
    expect(report.complete).toBe(true);
    const stats = handle.stats();
    expect(stats.runs).toBe(500);
    expect(stats.dropped).toBe(0);
    expect(stats.queued).toBe(0);
    expect(errors).toEqual([]);
    const all = (await poolOf(store).query('SELECT count(*)::int AS n FROM executions')).rows[0].n;
    expect(all).toBe(500);
    const { executions, tools } = await rowsFor(runIds);
    expect(executions).toHaveLength(expected.length);
    const byExec = new Map<string, typeof tools>();
    for (const t of tools) byExec.set(t.execution_id, [...(byExec.get(t.execution_id) ?? []), t]);
    for (const e of expected) {
      const row = executions.find((x) => x.execution_id === e.runId)!;
      expect(row.success).toBe(e.success);
      expect(row.duration_ms).toBeGreaterThanOrEqual(0);
      const ts = byExec.get(e.runId) ?? [];
      expect(ts.map((t) => t.tool_name)).toEqual(e.tools);
      expect(ts.map((t) => t.success)).toEqual(e.toolSuccess);
      for (const t of ts) expect(t.duration_ms).toBeGreaterThanOrEqual(0);
    }
    // Runs that threw: recorded as failed, with their tool runs.
    const thrown = (
      await poolOf(store).query(
        `SELECT e.execution_id, e.error, count(t.id)::int AS tools
           FROM executions e LEFT JOIN tool_executions t USING (execution_id)
          WHERE e.success = false AND e.error LIKE 'TypeError: boom%' GROUP BY 1, 2`,
      )
    ).rows;
    expect(thrown).toHaveLength(rejected);
    const total = (await poolOf(store).query('SELECT count(*)::int AS n FROM tool_executions'))
      .rows[0].n;
    expect(stats.written).toBe(500 + total);
    const closed = await handle.close();
    expect(closed.spooledRows).toBe(0);
    await poolOf(store).query('TRUNCATE executions CASCADE');
  });
});
