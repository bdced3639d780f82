import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  ValidationError,
  createRetentionJob,
  runJob,
  type LifecycleSummary,
  type LowPerformersSummary,
} from '../src/index.js';
import { TIMESTAMP_MIN_MS } from '../src/store/validate.js';
import { openTestStore } from './helpers/db.js';

// Windows as long as the thresholds allow (up to 1e9 days or hours) reach back before the first
// day PostgreSQL holds: they mean "all history", never a job failing on a date it cannot send.

/** metadata.durationWindow of a tool's statistics. */
function durationWindow(stats: unknown): { runs: number; p50Ms: number; hours: number } {
  const metadata = (stats as { metadata: { durationWindow: unknown } } | null)?.metadata;
  return metadata?.durationWindow as { runs: number; p50Ms: number; hours: number };
}

const warnings: string[] = [];
const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
let store: ExecutionStore;

beforeAll(async () => {
  process.on('warning', onWarning);
  ({ store } = await openTestStore());
  // One tool failing for ages: 12 runs, 1 success, created 3000 BC.
  const ancient = new Date(Date.UTC(-2999, 0, 1));
  const id = await store.storeExecution({ goalText: 'ancient', createdAt: ancient });
  for (let i = 0; i < 12; i++)
    await store.storeToolExecution({
      executionId: id,
      toolName: 'ancient-tool',
      success: i === 0,
      durationMs: 10 + i,
      createdAt: ancient,
    });
});
afterAll(() => {
  process.off('warning', onWarning);
});

describe('job windows longer than the calendar PostgreSQL holds', () => {
  it('daily-low-performers over 1e9 days judges all history', async () => {
    const summary = (await runJob(store, 'daily-low-performers', {
      thresholds: { lowPerformerWindowDays: 1e9 },
    })) as LowPerformersSummary;
    expect(summary.lowPerformers.map((p) => p.toolName)).toEqual(['ancient-tool']);
    expect(new Date(summary.since).getTime()).toBe(TIMESTAMP_MIN_MS);
  });

  it('weekly-tool-lifecycle with every window at 1e9 days runs and deprecates the failing tool', async () => {
    const summary = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: {
        archiveIdleDays: 1e9,
        deprecateWindowDays: 1e9,
        watchWeekDays: 1e9,
        settledQuietDays: 1e9,
        durationWindowHours: 1e9,
      },
    })) as LifecycleSummary;
    expect(summary.recommendations.map((r) => `${r.action} ${r.toolName}`)).toEqual([
      'deprecate ancient-tool',
    ]);
  });

  it('hourly-statistics with a 1e9-hour latency window covers all history', async () => {
    await runJob(store, 'hourly-statistics', { thresholds: { durationWindowHours: 1e9 } });
    const stats = await store.getToolStatistics('ancient-tool');
    const window = durationWindow(stats);
    expect(window.runs).toBe(12);
    expect(window.p50Ms).toBeGreaterThan(0);
  });

  it('a job judging "now" a few days after the first day PostgreSQL holds', async () => {
    const now = new Date(TIMESTAMP_MIN_MS + 3 * 86_400_000);
    await expect(runJob(store, 'weekly-tool-lifecycle', { now })).resolves.toBeDefined();
    const low = (await runJob(store, 'daily-low-performers', { now })) as LowPerformersSummary;
    expect(low.toolsJudged).toBe(0);
  });

  it('the weekly refresh keeps the configured latency window, not a default one', async () => {
    const id = await store.storeExecution({ goalText: 'recent' });
    await store.storeToolExecution({
      executionId: id,
      toolName: 'recent-tool',
      success: true,
      durationMs: 5,
    });
    await runJob(store, 'weekly-tool-lifecycle', { thresholds: { durationWindowHours: 48 } });
    const stats = await store.getToolStatistics('recent-tool');
    expect(durationWindow(stats).hours).toBe(48);
  });

  it('no run failed and nothing was printed (no driver warning about invalid dates)', async () => {
    const runs = await store.listJobRuns({ limit: 100 });
    expect(runs.filter((r) => r.status !== 'succeeded')).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('createRetentionJob checks what pruneHistory will check, when it is made', () => {
  it.each([
    [{ retentionDays: 1e9 }, 'olderThan'],
    [{ retentionDays: 30, feedbackRetentionDays: 3e6 }, 'feedbackOlderThan'],
    [{ retentionDays: 30, batchSize: 0 }, 'batchSize'],
    [{ batchSize: 1.5 }, 'batchSize'],
  ])('%j is a ValidationError', (options, field) => {
    let error: unknown;
    try {
      createRetentionJob(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});
