import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { rng } from './helpers/rng.js';
import { poolOf } from '../src/store/internal.js';

const TOOLS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

interface Row {
  callId: string;
  tool: string;
  success: boolean;
  duration: number | null;
  createdAt: Date;
}

async function writeBatch(store: ExecutionStore, executionId: string, rows: Row[]): Promise<void> {
  await poolOf(store).query(
    `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT u.c, $1, u.t, u.s, u.d, u.at
       FROM unnest($2::uuid[], $3::varchar[], $4::boolean[], $5::integer[], $6::timestamptz[]) AS u(c, t, s, d, at)
     ON CONFLICT (execution_id, call_id) DO NOTHING`,
    [
      executionId,
      rows.map((r) => r.callId),
      rows.map((r) => r.tool),
      rows.map((r) => r.success),
      rows.map((r) => r.duration),
      rows.map((r) => r.createdAt),
    ],
  );
}

/** The statistics columns that must match, as plain comparable values. */
async function snapshot(store: ExecutionStore): Promise<unknown[]> {
  const result = await poolOf(store).query(
    `SELECT tool_name, total_executions, successful_executions, failed_executions, success_rate,
            avg_duration_ms, first_used, last_used,
            metadata->'durationWindow'->'runs' AS window_runs,
            metadata->'durationWindow'->'p50Ms' AS p50, metadata->'durationWindow'->'p95Ms' AS p95
       FROM tool_statistics ORDER BY tool_name`,
  );
  return result.rows;
}

/** The latency sketches, bucket by bucket. */
async function latencyBuckets(store: ExecutionStore): Promise<unknown[]> {
  const result = await poolOf(store).query(
    `SELECT tool_name, hour, bucket, count FROM tool_latency_buckets ORDER BY 1, 2, 3`,
  );
  return result.rows;
}

describe('incremental statistics refresh', () => {
  let store: ExecutionStore;
  let executionId: string;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    executionId = await store.storeExecution({ goalText: 'statistics' });
  });

  it('equals a full recompute on random batches from concurrent writers, late rows and replays included', async () => {
    const written: Row[] = [];
    const writer = async (seed: number): Promise<void> => {
      const random = rng(seed);
      for (let batch = 0; batch < 30; batch++) {
        const rows: Row[] = [];
        const size = 1 + Math.floor(random() * 120);
        for (let i = 0; i < size; i++) {
          // A third of the rows are late (a replayed spool): created hours to weeks ago.
          const late = random() < 0.33;
          const ageMs = late ? random() * 30 * 86_400_000 : random() * 60_000;
          rows.push({
            callId: randomUUID(),
            tool: TOOLS[Math.floor(random() * TOOLS.length)]!,
            success: random() < 0.7,
            duration: random() < 0.1 ? null : Math.floor(random() * 5_000),
            createdAt: new Date(Date.now() - ageMs),
          });
        }
        // Replays: part of an earlier batch again (ON CONFLICT DO NOTHING must not count twice).
        const replay = written.slice(-Math.floor(random() * 20));
        await writeBatch(store, executionId, [...rows, ...replay]);
        written.push(...rows);
      }
    };
    let refreshing = true;
    let refreshes = 0;
    const refresher = (async () => {
      while (refreshing) {
        await store.updateStatistics();
        refreshes++;
      }
    })();
    await Promise.all([writer(1), writer(2), writer(3), writer(4)]);
    refreshing = false;
    await refresher;
    await store.updateStatistics();
    expect(refreshes).toBeGreaterThan(1);

    const incremental = await snapshot(store);
    const pending = await poolOf(store).query(
      'SELECT count(*)::int AS n FROM tool_statistics_deltas',
    );
    expect(pending.rows[0].n).toBe(0);
    const incrementalBuckets = await latencyBuckets(store);
    expect(incrementalBuckets.length).toBeGreaterThan(0);
    await store.recomputeStatistics();
    const full = await snapshot(store);
    expect(incremental).toEqual(full);
    expect(await latencyBuckets(store)).toEqual(incrementalBuckets);
    // And both agree with the rows written, counted here in JavaScript.
    const total = written.filter((r) => r.tool === 'alpha');
    const alpha = incremental.find(
      (r) => (r as { tool_name: string }).tool_name === 'alpha',
    ) as Record<string, unknown>;
    expect(alpha.total_executions).toBe(total.length);
    expect(alpha.successful_executions).toBe(total.filter((r) => r.success).length);
    const timed = total.filter((r) => r.duration !== null);
    expect(alpha.avg_duration_ms as number).toBeCloseTo(
      timed.reduce((s, r) => s + r.duration!, 0) / timed.length,
      9,
    );
    const firstUsed = Math.min(...total.map((r) => r.createdAt.getTime()));
    expect((alpha.first_used as Date).getTime()).toBe(firstUsed);
  });

  it('deletes do not decrement: statistics are cumulative', async () => {
    await store.updateStatistics();
    const before = await snapshot(store);
    await poolOf(store).query(`DELETE FROM tool_executions WHERE tool_name = 'alpha'`);
    await store.updateStatistics();
    const after = await snapshot(store);
    const counts = (rows: unknown[]) =>
      rows.map((r) => {
        const { tool_name, total_executions, successful_executions, avg_duration_ms } = r as Record<
          string,
          unknown
        >;
        return { tool_name, total_executions, successful_executions, avg_duration_ms };
      });
    expect(counts(after)).toEqual(counts(before));
  });

  it('a refresh with nothing new touches nothing', async () => {
    expect(await store.updateStatistics()).toBe(0);
  });
});
