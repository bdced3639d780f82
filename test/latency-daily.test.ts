import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionStore } from '../src/index.js';
import { latencyWindowFunction } from '../migrations/0007-latency-sketches.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';
import { rng } from './helpers/rng.js';

/*
 * Migration 0011: tool_latency_window reads whole UTC days from tool_latency_daily. It must give
 * exactly what the hours-only window of 0007 gives (the same buckets merged), for any window, with
 * pending deltas, late rows and prunes that cut a day; the daily rows must always regroup the hours.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('latency sketches: the daily level', () => {
  let store: ExecutionStore;
  let pool: pg.Pool;
  const now = Date.now();
  const random = rng(11);

  async function runs(count: number, spanMs: number, offsetMs = 0): Promise<void> {
    const rows: Array<[string, string, number | null, Date]> = [];
    for (let i = 0; i < count; i++) {
      const tool = ['alpha', 'beta', 'gamma'][Math.floor(random() * 3)]!;
      const ms = random() < 0.05 ? null : Math.floor(Math.exp(random() * 8));
      rows.push([randomUUID(), tool, ms, new Date(now - offsetMs - Math.floor(random() * spanMs))]);
    }
    await pool.query(
      `WITH e AS (INSERT INTO executions (execution_id, goal_text, success, created_at)
                  VALUES ($1, 'latency', true, now()) ON CONFLICT DO NOTHING)
       INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
       SELECT gen_random_uuid(), $1, u.tool, true, u.ms, u.at
         FROM unnest($2::varchar[], $3::integer[], $4::timestamptz[]) AS u(tool, ms, at)`,
      [rows[0]![0], rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
    );
  }

  function windows(): Array<[Date | string, Date | string]> {
    const day = Math.floor(now / DAY) * DAY;
    const points = [
      now - 9 * DAY - 5 * HOUR - 1234,
      day - 3 * DAY,
      day - 3 * DAY + 30 * 60_000,
      day - 2 * DAY - HOUR,
      now - DAY,
      day,
      now - 90_000,
    ];
    const out: Array<[Date | string, Date | string]> = [['-infinity', 'infinity']];
    for (const since of points) {
      out.push([new Date(since), 'infinity']);
      for (const until of points) if (until > since) out.push([new Date(since), new Date(until)]);
    }
    return out;
  }

  async function expectSameAsHours(): Promise<void> {
    for (const [since, until] of windows())
      for (const tools of [null, ['beta']])
        for (const pending of [true, false]) {
          const query = (fn: string): Promise<pg.QueryResult> =>
            pool.query(`SELECT * FROM ${fn}($1, $2, $3, $4)`, [since, until, tools, pending]);
          const daily = await query('tool_latency_window');
          const hourly = await query('tool_latency_window_hours');
          expect(daily.rows, `${String(since)} → ${String(until)} ${tools} ${pending}`).toEqual(
            hourly.rows,
          );
        }
  }

  async function expectDaysRegroupHours(): Promise<void> {
    const daily = await pool.query(
      'SELECT tool_name, day, bucket, count FROM tool_latency_daily ORDER BY 1, 2, 3',
    );
    const regrouped = await pool.query(
      `SELECT tool_name, date_trunc('day', hour, 'UTC') AS day, bucket, sum(count)::bigint AS count
         FROM tool_latency_buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(daily.rows).toEqual(regrouped.rows);
    expect(daily.rows.length).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    ({ store } = await openTestStore());
    pool = poolOf(store);
    // The hours-only window of 0007, as the reference.
    await pool.query(latencyWindowFunction('tool_latency_window_hours', null));
    await runs(3000, 10 * DAY);
    await store.updateStatistics();
    await runs(400, 2 * DAY);
    await runs(200, DAY, 6 * DAY); // late rows for old days, not folded yet
  });

  it('equals the hours-only window with folded and pending runs', async () => {
    const pending = await pool.query('SELECT count(*)::int AS n FROM tool_latency_deltas');
    expect(pending.rows[0].n).toBeGreaterThan(0);
    await expectSameAsHours();
    await store.updateStatistics();
    await expectDaysRegroupHours();
    await expectSameAsHours();
  });

  it('after a prune that cuts a day in two, folded, and after a full recompute', async () => {
    await pool.query('DELETE FROM tool_executions WHERE created_at < $1', [
      new Date(now - 5 * DAY - 7 * HOUR - 60_000),
    ]);
    await expectSameAsHours();
    await store.updateStatistics();
    await expectDaysRegroupHours();
    await expectSameAsHours();
    await pool.query(
      'UPDATE tool_latency_daily SET count = count + 1 WHERE bucket = (SELECT min(bucket) FROM tool_latency_daily)',
    );
    await store.recomputeStatistics();
    await expectDaysRegroupHours();
    await expectSameAsHours();
  });
});
