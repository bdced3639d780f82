import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REFRESH_LOCK } from './0002-learning-loop.js';
import { LATENCY_ROLLUP, latencyWindowFunction } from './0007-latency-sketches.js';
import { dailyLevelDown, dailyLevelUp } from './hourly-rollup.js';

const DAILY = 'tool_latency_daily';
const WINDOW_SIGNATURE = 'tool_latency_window(timestamptz, timestamptz, varchar[], boolean)';

/**
 * A daily level for the latency sketches: (tool, UTC day, bucket) → runs, folded and rebuilt with
 * the hourly buckets (no trigger of its own: the fold adds the same deltas to both, grouped by
 * day). tool_latency_window reads whole UTC days from it and only the hours outside whole days
 * from the hourly buckets, plus the pending deltas: the same buckets merged, so the same p50/p95,
 * while a 30-day window reads days × buckets instead of hours × buckets.
 */
export class LatencyDaily1764000000011 implements MigrationInterface {
  name = 'LatencyDaily1764000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    // No refresh may fold between the fill below and the new fold taking over.
    await q.query(`SELECT pg_advisory_xact_lock(${REFRESH_LOCK})`);
    for (const statement of dailyLevelUp(LATENCY_ROLLUP, DAILY)) await q.query(statement);
    await q.query(`DROP FUNCTION ${WINDOW_SIGNATURE}`);
    await q.query(latencyWindowFunction('tool_latency_window', null, DAILY));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS ${WINDOW_SIGNATURE}`);
    await q.query(latencyWindowFunction('tool_latency_window', null));
    for (const statement of dailyLevelDown(LATENCY_ROLLUP, DAILY)) await q.query(statement);
  }
}
