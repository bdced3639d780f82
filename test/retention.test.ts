import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, ValidationError, pruneHistory } from '../src/index.js';
import type { PruneProgress } from '../src/index.js';
import { jobRepositoryOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';

const DAY = 86_400_000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);

interface Written {
  executionId: string;
  ageDays: number;
  rated: boolean;
  runs: Array<{ tool: string; success: boolean; durationMs: number }>;
}

let store: ExecutionStore;
let url: string;
const written: Written[] = [];
let statsBefore: Awaited<ReturnType<ExecutionStore['getTopTools']>>;

async function write(
  ageDays: number,
  rated: boolean,
  runs: Written['runs'],
  target: ExecutionStore = store,
): Promise<Written> {
  const createdAt = daysAgo(ageDays);
  const executionId = await target.storeExecution({
    goalText: `goal ${ageDays}d`,
    success: runs.every((r) => r.success),
    createdAt,
  });
  for (const run of runs)
    await target.storeToolExecution({
      executionId,
      toolName: run.tool,
      success: run.success,
      durationMs: run.durationMs,
      createdAt,
    });
  if (rated) await target.storeFeedback({ executionId, rating: 4 });
  const row = { executionId, ageDays, rated, runs };
  if (target === store) written.push(row);
  return row;
}

async function counts(
  target: string = url,
): Promise<{ executions: number; tools: number; feedback: number }> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    const r = await client.query<{ executions: number; tools: number; feedback: number }>(
      `SELECT (SELECT count(*) FROM executions)::int AS executions,
              (SELECT count(*) FROM tool_executions)::int AS tools,
              (SELECT count(*) FROM execution_feedback)::int AS feedback`,
    );
    return r.rows[0]!;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  ({ store, url } = await openTestStore());
  // 40 days old, unrated: go with a 30-day retention.
  for (let i = 0; i < 5; i++)
    await write(40, false, [
      { tool: 'alpha', success: i % 2 === 0, durationMs: 100 + i },
      { tool: 'beta', success: true, durationMs: 50 },
    ]);
  // 40 days old, rated: kept by a 90-day feedback retention.
  for (let i = 0; i < 2; i++)
    await write(40, true, [{ tool: 'beta', success: false, durationMs: 70 }]);
  // 100 days old, rated: past even the feedback retention.
  await write(100, true, [{ tool: 'alpha', success: true, durationMs: 30 }]);
  // Recent: always kept.
  for (let i = 0; i < 3; i++)
    await write(2, i === 0, [{ tool: 'alpha', success: i !== 1, durationMs: 10 * (i + 1) }]);
  await store.updateStatistics();
  statsBefore = await store.getTopTools({ minExecutions: 0 });
});

describe('pruneHistory validation', () => {
  it.each([
    [{ olderThan: 0 }],
    [{ olderThan: '12h' }],
    [{ olderThan: 'thirty days' }],
    [{ olderThan: 2.5 }],
    [{ olderThan: new Date() }],
    [{ olderThan: '30d', feedbackOlderThan: '7d' }],
    [{ olderThan: '30d', batchSize: 0 }],
    [{ olderThan: '30d', dryRun: 'yes' as unknown as boolean }],
    [{} as { olderThan: string }],
  ])('refuses %j and deletes nothing', async (options) => {
    const before = await counts();
    await expect(pruneHistory(store, options)).rejects.toBeInstanceOf(ValidationError);
    expect(await counts()).toEqual(before);
  });
});

describe('pruneHistory', () => {
  it('counts what would go on a dry run and writes nothing', async () => {
    const before = await counts();
    const result = await pruneHistory(store, {
      olderThan: '30d',
      feedbackOlderThan: '90d',
      dryRun: true,
    });
    expect(result).toMatchObject({
      dryRun: true,
      executions: 6,
      toolExecutions: 11,
      feedback: 1,
      batches: 0,
    });
    expect(result.planned.oldest!.getTime()).toBeCloseTo(daysAgo(100).getTime(), -5);
    expect(await counts()).toEqual(before);
  });

  it('deletes in bounded batches and keeps rated executions for the longer period', async () => {
    const progress: PruneProgress[] = [];
    const result = await pruneHistory(store, {
      olderThan: '30d',
      feedbackOlderThan: 90,
      batchSize: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ dryRun: false, executions: 6, toolExecutions: 11, feedback: 1 });
    expect(result.batches).toBe(3);
    expect(progress.map((p) => p.done)).toEqual([0, 2, 4, 6]);
    expect(progress.every((p) => p.total === 6)).toBe(true);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const left = await client.query<{ execution_id: string }>(
        'SELECT execution_id FROM executions',
      );
      const kept = written.filter((w) => w.ageDays < 30 || (w.rated && w.ageDays < 90));
      expect(left.rows.map((r) => r.execution_id).sort()).toEqual(
        kept.map((w) => w.executionId).sort(),
      );
      const orphans = await client.query(
        `SELECT 1 FROM tool_executions t WHERE NOT EXISTS
           (SELECT 1 FROM executions e WHERE e.execution_id = t.execution_id)`,
      );
      expect(orphans.rowCount).toBe(0);
    } finally {
      await client.end();
    }
    expect(await counts()).toEqual({ executions: 5, tools: 5, feedback: 3 });
    // Nothing is left to prune.
    const again = await pruneHistory(store, { olderThan: '30d', feedbackOlderThan: '90d' });
    expect(again).toMatchObject({ executions: 0, batches: 0 });
  });

  it('ignores a throwing progress callback and stops between batches when aborted', async () => {
    const { store: other } = await openTestStore();
    for (let i = 0; i < 4; i++)
      await write(40, false, [{ tool: 'gamma', success: true, durationMs: 5 }], other);
    const controller = new AbortController();
    const result = await pruneHistory(other, {
      olderThan: 30,
      batchSize: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort();
        throw new Error('callback failure');
      },
    });
    expect(result).toMatchObject({ aborted: true, executions: 2, batches: 2 });
  });
});

describe('statistics and windows after pruning', () => {
  it('keeps tool_statistics cumulative: they still count every run ever written', async () => {
    // Runs after the prune test above: the old rows are gone.
    expect((await counts()).tools).toBe(5);
    await store.updateStatistics();
    const after = await store.getTopTools({ minExecutions: 0 });
    expect(after.map(({ updatedAt: _u, ...rest }) => rest)).toEqual(
      statsBefore.map(({ updatedAt: _u, ...rest }) => rest),
    );
    // The same figures as a full computation over every run ever written (kept in memory here).
    for (const tool of ['alpha', 'beta']) {
      const runs = written.flatMap((w) =>
        w.runs.filter((r) => r.tool === tool).map((r) => ({ ...r, at: daysAgo(w.ageDays) })),
      );
      const stats = after.find((t) => t.toolName === tool)!;
      expect(stats.totalExecutions).toBe(runs.length);
      expect(stats.successfulExecutions).toBe(runs.filter((r) => r.success).length);
      expect(stats.failedExecutions).toBe(runs.filter((r) => !r.success).length);
      expect(stats.avgDurationMs).toBeCloseTo(
        runs.reduce((sum, r) => sum + r.durationMs, 0) / runs.length,
        6,
      );
      const oldest = Math.min(...runs.map((r) => r.at.getTime()));
      expect(Math.abs(stats.firstUsed!.getTime() - oldest)).toBeLessThan(60_000);
    }
  });

  it('a full recompute after pruning equals the incremental statistics (issue 10.8)', async () => {
    await store.updateStatistics();
    const strip = (rows: Awaited<ReturnType<ExecutionStore['getTopTools']>>) =>
      rows.map(({ updatedAt: _u, metadata: _m, ...rest }) => rest);
    const incremental = strip(await store.getTopTools({ minExecutions: 0 }));
    expect(incremental.length).toBeGreaterThan(0);
    await store.recomputeStatistics();
    expect(strip(await store.getTopTools({ minExecutions: 0 }))).toEqual(incremental);
    // New runs after the recompute still fold on top of it exactly.
    await write(1, false, [{ tool: 'alpha', success: false, durationMs: 7 }]);
    await store.updateStatistics();
    const next = strip(await store.getTopTools({ minExecutions: 0 }));
    await store.recomputeStatistics();
    expect(strip(await store.getTopTools({ minExecutions: 0 }))).toEqual(next);
  });

  it('windowed figures (low performers, lifecycle) only see retained rows', async () => {
    const { store: other } = await openTestStore();
    // A tool that failed a lot 40 days ago and works now.
    for (let i = 0; i < 12; i++)
      await write(40, false, [{ tool: 'delta', success: false, durationMs: 5 }], other);
    for (let i = 0; i < 12; i++)
      await write(3, false, [{ tool: 'delta', success: true, durationMs: 5 }], other);
    const now = new Date();
    const windows = async (): Promise<Record<string, unknown>> => {
      const jobs = jobRepositoryOf(other);
      const lifecycle = await jobs.lifecycleWindows(now, 60, 7, 'test');
      const lowPerformer = await jobs.toolWindowCounts(daysAgo(60), now, 'test');
      return { lifecycle: lifecycle[0], lowPerformer: lowPerformer[0] };
    };
    expect(await windows()).toEqual({
      lifecycle: expect.objectContaining({ recent_total: 24, recent_successes: 12 }),
      lowPerformer: { tool_name: 'delta', total: 24, successes: 12 },
    });
    await other.updateStatistics();
    const pruned = await pruneHistory(other, { olderThan: '30d' });
    expect(pruned.toolExecutions).toBe(12);
    await other.updateStatistics();
    expect(await windows()).toEqual({
      lifecycle: expect.objectContaining({ recent_total: 12, recent_successes: 12 }),
      lowPerformer: { tool_name: 'delta', total: 12, successes: 12 },
    });
    // While the cumulative figures still hold all 24 runs.
    expect((await other.getToolStatistics('delta'))?.totalExecutions).toBe(24);
  });
});
