// The read API, the jobs and the report on an empty database and on one whose history was all
// pruned: answers are right (cumulative statistics kept, windows empty), nothing throws.
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  pruneHistory,
  runJob,
  type ExecutionStore,
  type LifecycleSummary,
  type LowPerformersSummary,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DAY = 86_400_000;

async function reads(store: ExecutionStore): Promise<Record<string, unknown>> {
  const report = await buildReport(store, { days: 30 });
  return {
    top: (await store.getTopTools({ minExecutions: 0 })).map((t) => [
      t.toolName,
      t.totalExecutions,
      t.successfulExecutions,
    ]),
    recent: (await store.getRecentExecutions()).length,
    rate: await store.getSuccessRate(),
    rateSince: await store.getSuccessRate({ since: new Date(Date.now() - 365 * DAY) }),
    latency: await store.getLatencyPercentiles({ hours: 24 * 365 }),
    ranked: (await store.rankTools(['alpha', 'nobody'])).map((r) => [r.toolName, r.known]),
    reportTools: (report as unknown as { tools: unknown[] }).tools.length,
  };
}

describe('edge databases', () => {
  it('empty: every read answers, every job runs, refreshes touch nothing', async () => {
    const { store } = await openTestStore();
    expect(await store.updateStatistics()).toBe(0);
    expect(await store.recomputeStatistics()).toBe(0);
    expect(await reads(store)).toEqual({
      top: [],
      recent: 0,
      rate: null,
      rateSince: null,
      latency: [],
      ranked: [
        ['alpha', false],
        ['nobody', false],
      ],
      reportTools: 0,
    });
    for (const job of ['hourly-statistics', 'daily-low-performers', 'weekly-tool-lifecycle'])
      await expect(runJob(store, job)).resolves.toBeDefined();
    const prune = await pruneHistory(store, { olderThan: '1d' });
    expect(prune).toMatchObject({ executions: 0, batches: 0, aborted: false });
  });

  it('only pruned history: statistics stay cumulative, windows are empty, idle tools archived', async () => {
    const { store } = await openTestStore();
    const old = new Date(Date.now() - 40 * DAY);
    const id = await store.storeExecution({ goalText: 'old', success: true, createdAt: old });
    for (let i = 0; i < 12; i++)
      await store.storeToolExecution({
        executionId: id,
        toolName: 'alpha',
        success: i < 3,
        durationMs: 10 * i,
        createdAt: old,
      });
    await store.updateStatistics();
    const result = await pruneHistory(store, { olderThan: '1d' });
    expect(result).toMatchObject({ executions: 1, toolExecutions: 12 });
    expect(
      (await poolOf(store).query('SELECT count(*)::int AS n FROM tool_executions')).rows[0].n,
    ).toBe(0);
    for (const refresh of [() => store.updateStatistics(), () => store.recomputeStatistics()]) {
      await refresh();
      expect(await reads(store)).toEqual({
        top: [['alpha', 12, 3]],
        recent: 0,
        rate: null,
        rateSince: null,
        latency: [],
        ranked: [
          ['alpha', true],
          ['nobody', false],
        ],
        reportTools: 0,
      });
    }
    const low = (await runJob(store, 'daily-low-performers', {
      thresholds: { lowPerformerWindowDays: 1e6, lowPerformerMinExecutions: 1 },
    })) as LowPerformersSummary;
    expect(low.toolsJudged).toBe(0);
    const weekly = (await runJob(store, 'weekly-tool-lifecycle')) as LifecycleSummary;
    expect(weekly.recommendations.map((r) => `${r.action} ${r.toolName}`)).toEqual([
      'archive alpha',
    ]);
  });
});
