import { beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  NotFoundError,
  ValidationError,
  runJob,
  type LifecycleSummary,
  type LowPerformersSummary,
  type RecommendationEvent,
} from '../src/index.js';
import { cli } from './helpers/cli.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DAY = 86_400_000;

/** Crafted history straight in SQL: `total` runs of a tool, the first `successes` succeeding. */
async function addRuns(
  store: ExecutionStore,
  tool: string,
  total: number,
  successes: number,
  daysAgo: number,
  durationMs = 100,
): Promise<void> {
  const executionId = (
    await poolOf(store).query<{ id: string }>(
      `INSERT INTO executions (execution_id, goal_text, created_at)
       VALUES (gen_random_uuid(), 'crafted', now() - $1::double precision * interval '1 day') RETURNING execution_id AS id`,
      [daysAgo],
    )
  ).rows[0]!.id;
  await poolOf(store).query(
    `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT gen_random_uuid(), $1, $2, g <= $4, $5, now() - $6::double precision * interval '1 day' - g * interval '1 second'
       FROM generate_series(1, $3) g`,
    [executionId, tool, total, successes, durationMs, daysAgo],
  );
}

describe('learning-loop jobs on crafted histories', () => {
  let store: ExecutionStore;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    // daily: 5 of 12 is too few to judge, 400 of 1,000 is clearly failing, 950/1000 is fine.
    await addRuns(store, 'few_runs_tool', 12, 5, 1);
    await addRuns(store, 'failing_tool', 1000, 400, 2);
    await addRuns(store, 'good_tool', 1000, 950, 2, 40);
    // weekly: idle for 40 days; regressed this week; AI-generated and reliable; deprecated.
    await addRuns(store, 'idle_tool', 30, 30, 40);
    await addRuns(store, 'regressed_tool', 20, 19, 10);
    await addRuns(store, 'regressed_tool', 20, 8, 2);
    await addRuns(store, 'generated_tool', 60, 60, 3);
    await addRuns(store, 'unvalidated_tool', 60, 60, 3);
    await store.storeToolCreation({
      toolName: 'generated_tool',
      generatedCode: 'export default () => 1',
      validationPassed: true,
    });
    await store.storeToolCreation({
      toolName: 'unvalidated_tool',
      generatedCode: 'oops(',
      validationPassed: false,
    });
  });

  it('daily-low-performers tells 5/12 (unjudgeable) from 400/1000 (failing) by the Wilson upper bound', async () => {
    const summary = (await runJob(store, 'daily-low-performers')) as LowPerformersSummary;
    expect(summary.lowPerformers.map((t) => t.toolName)).toEqual(['failing_tool']);
    const [flagged] = summary.lowPerformers;
    expect(flagged).toMatchObject({ toolName: 'failing_tool', total: 1000, successes: 400 });
    expect(flagged!.successRate).toBeCloseTo(0.4, 10);
    expect(flagged!.interval[0]).toBeCloseTo(0.3701, 3);
    expect(flagged!.interval[1]).toBeCloseTo(0.4307, 3);
    const runs = await store.listJobRuns({ jobName: 'daily-low-performers' });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', trigger: 'manual', error: null });
    expect(runs[0]!.summary).toEqual(JSON.parse(JSON.stringify(summary)));
  });

  it('a 7-day window: failures older than the window are not judged', async () => {
    const summary = (await runJob(store, 'daily-low-performers', {
      thresholds: { lowPerformerWindowDays: 1 },
    })) as LowPerformersSummary;
    expect(summary.lowPerformers).toEqual([]);
  });

  it('weekly-tool-lifecycle: archive, deprecate, promote and watch, each with evidence; refreshed, not duplicated', async () => {
    const seen: RecommendationEvent[] = [];
    const summary = (await runJob(store, 'weekly-tool-lifecycle', {
      onRecommendation: (e) => void seen.push(e),
    })) as LifecycleSummary;
    const pairs = summary.recommendations.map((r) => `${r.action}:${r.toolName}`).sort();
    expect(pairs).toEqual([
      'archive:idle_tool',
      'deprecate:failing_tool',
      'promote:generated_tool',
      'watch:regressed_tool',
    ]);
    const watch = summary.recommendations.find((r) => r.action === 'watch')!;
    expect(watch.evidence).toMatchObject({
      previousWeek: { total: 20, successes: 19 },
      thisWeek: { total: 20, successes: 8 },
    });
    expect(watch.evidence.drop as number).toBeCloseTo(0.55, 10);
    const promote = summary.recommendations.find((r) => r.action === 'promote')!;
    expect(promote.evidence).toMatchObject({ total: 60, successes: 60 });
    expect((promote.evidence.interval as number[])[0]).toBeGreaterThanOrEqual(0.9);
    const archive = summary.recommendations.find((r) => r.action === 'archive')!;
    expect(archive.evidence.idleDays).toBeGreaterThanOrEqual(39);
    expect(summary.created).toBe(4);
    expect(seen.filter((e) => e.isNew)).toHaveLength(4);

    const again = (await runJob(store, 'weekly-tool-lifecycle')) as LifecycleSummary;
    expect(again).toMatchObject({ created: 0, refreshed: 4 });
    const open = await store.listRecommendations({ status: 'open' });
    expect(open).toHaveLength(4);
    const runs = await store.listJobRuns({ jobName: 'weekly-tool-lifecycle' });
    expect(open.every((r) => r.jobRunId === runs[0]!.id)).toBe(true);
  });

  it('accept and dismiss move an open recommendation; unknown ids are NotFoundError', async () => {
    const [first, second] = await store.listRecommendations({ status: 'open' });
    const accepted = await store.acceptRecommendation(first!.id);
    expect(accepted.status).toBe('accepted');
    expect((await store.dismissRecommendation(second!.id)).status).toBe('dismissed');
    expect(await store.acceptRecommendation(first!.id)).toMatchObject({ status: 'accepted' });
    await expect(store.dismissRecommendation(first!.id)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.acceptRecommendation(987654)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.acceptRecommendation(-1)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.listRecommendations({ status: 'maybe' as 'open' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await store.listRecommendations({ status: 'accepted' })).toHaveLength(1);
    // Settled ones stay quiet next week (settledQuietDays, 28 by default); the others are refreshed.
    // The accepted one is applied in the registry (unless a watch): not recommended again at all.
    const applied = first!.action === 'watch' ? 0 : 1;
    const next = (await runJob(store, 'weekly-tool-lifecycle')) as LifecycleSummary;
    expect(next).toMatchObject({ created: 0, refreshed: 2, quieted: 2 - applied });
    expect(next.recommendations.map((r) => r.toolName).sort()).toEqual(
      (await store.listRecommendations({ status: 'open' })).map((r) => r.toolName).sort(),
    );
    // Once the quiet period is over, the same findings open new recommendations.
    const later = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: { settledQuietDays: 0 },
    })) as LifecycleSummary;
    // ...except what the registry already did.
    expect(later).toMatchObject({ created: 2 - applied, refreshed: 2, quieted: 0 });
    expect(later.alreadyApplied).toBe(applied);
  });

  it('an open recommendation the weekly run no longer finds is closed as expired', async () => {
    const before = await store.listRecommendations({ status: 'open' });
    const watch = before.find((r) => r.action === 'watch');
    expect(watch).toBeDefined();
    // With a 99-point drop required, regressed_tool no longer qualifies for watch.
    const summary = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: { watchDrop: 0.99, settledQuietDays: 0 },
    })) as LifecycleSummary;
    expect(summary.expired).toBe(1);
    const expired = await store.listRecommendations({ status: 'expired' });
    expect(expired.map((r) => r.id)).toEqual([watch!.id]);
    expect((await store.listRecommendations({ status: 'open' })).length).toBe(before.length - 1);
    await expect(store.acceptRecommendation(watch!.id)).rejects.toBeInstanceOf(ValidationError);
    // Found again later: a new open recommendation (an expiry is not a user's decision, so it
    // does not start a quiet period; an earlier dismissal of this watch would, hence 0 here).
    const again = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: { settledQuietDays: 0 },
    })) as LifecycleSummary;
    expect(again).toMatchObject({ created: 1, expired: 0 });
  });

  it('hourly-statistics folds new runs into tool_statistics', async () => {
    await addRuns(store, 'fresh_tool', 7, 6, 0, 10);
    const summary = await runJob(store, 'hourly-statistics');
    expect(summary.toolsUpdated).toBe(1);
    const stats = await store.getToolStatistics('fresh_tool');
    expect(stats).toMatchObject({ totalExecutions: 7, successfulExecutions: 6, avgDurationMs: 10 });
    expect(stats!.metadata).toMatchObject({ durationWindow: { runs: 7, p50Ms: 10, p95Ms: 10 } });
  });

  it('a job that throws is recorded as failed with its error, and runJob rejects', async () => {
    const boom = {
      name: 'boom',
      schedule: '* * * * *',
      description: 'always fails',
      async run(): Promise<never> {
        throw new Error('kaboom');
      },
    };
    await expect(runJob(store, 'boom', { jobs: [boom] })).rejects.toThrow('kaboom');
    const [run] = await store.listJobRuns({ jobName: 'boom' });
    expect(run).toMatchObject({ status: 'failed' });
    expect(run!.error).toContain('kaboom');
    expect(run!.finishedAt).not.toBeNull();
  });

  it('bad input: unknown job and bad thresholds are ValidationErrors that record nothing', async () => {
    const before = (await store.listJobRuns({ limit: 1000 })).length;
    await expect(runJob(store, 'no-such-job')).rejects.toBeInstanceOf(ValidationError);
    await expect(
      runJob(store, 'daily-low-performers', { thresholds: { lowPerformerSuccessRate: 2 } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      runJob(store, 'daily-low-performers', { thresholds: { typo: 1 } as never }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await store.listJobRuns({ limit: 1000 })).length).toBe(before);
  });

  it('a run whose instance died (lease expired) reads as crashed', async () => {
    await poolOf(store).query(
      `INSERT INTO job_runs (job_name, fire_time, instance_id, status, started_at, lease_expires_at)
       VALUES ('hourly-statistics', now() - interval '2 hours', 'dead-host:1', 'running',
               now() - interval '2 hours', now() - interval '1 hour')`,
    );
    const runs = await store.listJobRuns({ jobName: 'hourly-statistics' });
    expect(runs.find((r) => r.instanceId === 'dead-host:1')?.status).toBe('crashed');
  });
});

describe('rankTools', () => {
  let store: ExecutionStore;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    await addRuns(store, 'reliable', 200, 196, 1, 300);
    await addRuns(store, 'reliable_fast', 200, 196, 1, 50);
    await addRuns(store, 'lucky', 3, 3, 1, 10);
    await addRuns(store, 'flaky', 100, 40, 1, 10);
    await store.updateStatistics();
  });

  it('orders by the smoothed lower bound, then latency; unknown tools ranked by the prior', async () => {
    const ranked = await store.rankTools(
      ['flaky', 'never_seen', 'lucky', 'reliable', 'reliable_fast'],
      {
        limit: 10,
      },
    );
    expect(ranked.map((r) => r.toolName)).toEqual([
      'reliable_fast',
      'reliable',
      // 3 of 3 is little evidence, but more hopeful than a confident 40%.
      'lucky',
      'flaky',
      'never_seen',
    ]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    const unknown = ranked.find((r) => r.toolName === 'never_seen')!;
    expect(unknown).toMatchObject({ known: false, totalExecutions: 0, successRate: null });
    expect(unknown.score).toBeGreaterThan(0);
    expect(ranked[0]).toMatchObject({ known: true, totalExecutions: 200, avgDurationMs: 50 });
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i]!.score).toBeLessThanOrEqual(ranked[i - 1]!.score);
  });

  it('limit defaults to 5; duplicates count once; bad input is a ValidationError', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'reliable', 'reliable'];
    const ranked = await store.rankTools(names);
    expect(ranked).toHaveLength(5);
    expect(ranked[0]!.toolName).toBe('reliable');
    expect(await store.rankTools([])).toEqual([]);
    await expect(store.rankTools('reliable' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.rankTools([''])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.rankTools(['x'], { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('custom jobs: whatever they return or throw is stored safely (issue 10.12, 10.18)', () => {
  let store: ExecutionStore;
  let url: string;
  beforeAll(async () => {
    ({ store, url } = await openTestStore());
  });

  it('a summary holding a BigInt, a NUL, a cycle and secrets finishes its row, redacted', async () => {
    const summary: Record<string, unknown> = {
      count: 12345678901234567890n,
      text: 'before\u0000after',
      password: 'hunter2-summary',
      nested: { apiKey: 'sk-summary-secret', authorization: 'Bearer summary-token' },
    };
    summary.self = summary;
    const odd = {
      name: 'odd-summary',
      schedule: '* * * * *',
      description: 'returns what JSON cannot hold',
      async run(): Promise<Record<string, unknown>> {
        return summary;
      },
    };
    await runJob(store, 'odd-summary', { jobs: [odd] });
    const [run] = await store.listJobRuns({ jobName: 'odd-summary' });
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run!.finishedAt).not.toBeNull();
    const stored = JSON.stringify(run!.summary);
    expect(stored).toContain('12345678901234567890');
    expect(stored).not.toContain('\\u0000');
    for (const secret of ['hunter2-summary', 'sk-summary-secret', 'summary-token'])
      expect(stored).not.toContain(secret);
    const printed = await cli(['jobs', 'history', '--json'], { env: { DATABASE_URL: url } });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('odd-summary');
    for (const secret of ['hunter2-summary', 'sk-summary-secret', 'summary-token'])
      expect(printed.stdout).not.toContain(secret);
  });

  it('a job throwing a value with no string form, or a message with a NUL, is recorded failed', async () => {
    const faceless = {
      name: 'faceless',
      schedule: '* * * * *',
      description: 'throws a bare object',
      async run(): Promise<never> {
        throw Object.create(null) as Error;
      },
    };
    await expect(runJob(store, 'faceless', { jobs: [faceless] })).rejects.toBeInstanceOf(Error);
    const nul = {
      name: 'nul-error',
      schedule: '* * * * *',
      description: 'throws a message PostgreSQL text cannot hold as is',
      async run(): Promise<never> {
        throw new Error('bad\u0000byte');
      },
    };
    await expect(runJob(store, 'nul-error', { jobs: [nul] })).rejects.toThrow('bad');
    for (const jobName of ['faceless', 'nul-error']) {
      const [run] = await store.listJobRuns({ jobName });
      expect(run).toMatchObject({ status: 'failed' });
      expect(run!.finishedAt).not.toBeNull();
    }
    const [nulRun] = await store.listJobRuns({ jobName: 'nul-error' });
    expect(nulRun!.error).toMatch(/bad.byte/);
    const leaky = {
      name: 'leaky-error',
      schedule: '* * * * *',
      description: 'throws a message holding a connection URL with its password',
      async run(): Promise<never> {
        throw new Error('cannot reach postgres://app:Leaky-Pw-4711@db.internal:5432/prod');
      },
    };
    await expect(runJob(store, 'leaky-error', { jobs: [leaky] })).rejects.toThrow('cannot reach');
    const [leakyRun] = await store.listJobRuns({ jobName: 'leaky-error' });
    expect(leakyRun).toMatchObject({ status: 'failed' });
    expect(leakyRun!.error).toContain('cannot reach');
    expect(leakyRun!.error).not.toContain('Leaky-Pw-4711');
    const printed = await cli(['jobs', 'history', '--json'], { env: { DATABASE_URL: url } });
    expect(printed.stdout).toContain('leaky-error');
    expect(printed.stdout).not.toContain('Leaky-Pw-4711');
  });
});
