import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PERCENTILES, RECOMPUTE_0002, REFRESH_LOCK } from './0002-learning-loop.js';

/**
 * The full recompute of the counts: what tool_executions holds plus what was pruned, in one
 * statement that also drops the pending deltas (one snapshot). Later migrations compose from it.
 */
export const RECOMPUTE_COUNTS = `        WITH gone AS (
          DELETE FROM tool_statistics_deltas),
        parts AS (
          SELECT tool_name, count(*) AS total, count(*) FILTER (WHERE success) AS ok,
                 coalesce(sum(duration_ms), 0)::bigint AS dsum, count(duration_ms) AS dcount,
                 min(created_at) AS first_used, max(created_at) AS last_used
            FROM tool_executions GROUP BY tool_name
          UNION ALL
          SELECT tool_name, total_executions, successful_executions, duration_sum_ms, duration_count,
                 first_used, last_used
            FROM tool_statistics_pruned),
        agg AS (
          SELECT tool_name, sum(total)::bigint AS total, sum(ok)::bigint AS ok, sum(dsum)::bigint AS dsum,
                 sum(dcount)::bigint AS dcount, min(first_used) AS first_used, max(last_used) AS last_used
            FROM parts GROUP BY tool_name),
        dur AS (
          INSERT INTO tool_duration_totals AS d (tool_name, duration_sum_ms, duration_count)
          SELECT tool_name, dsum, dcount FROM agg
          ON CONFLICT (tool_name) DO UPDATE SET
            duration_sum_ms = EXCLUDED.duration_sum_ms, duration_count = EXCLUDED.duration_count)
        INSERT INTO tool_statistics AS s (tool_name, total_executions, successful_executions, failed_executions,
                                          avg_duration_ms, first_used, last_used, updated_at)
        SELECT a.tool_name, a.total, a.ok, a.total - a.ok,
               CASE WHEN a.dcount > 0 THEN (a.dsum::numeric / a.dcount)::double precision END,
               a.first_used, a.last_used, now()
          FROM agg a
        ON CONFLICT (tool_name) DO UPDATE SET
          total_executions = EXCLUDED.total_executions,
          successful_executions = EXCLUDED.successful_executions,
          failed_executions = EXCLUDED.failed_executions,
          avg_duration_ms = EXCLUDED.avg_duration_ms,
          first_used = EXCLUDED.first_used,
          last_used = EXCLUDED.last_used,
          updated_at = EXCLUDED.updated_at;`;

/**
 * Statistics stay cumulative across retention in the full recompute too: every deleted tool run
 * (prune, cascade, a manual DELETE) is folded into tool_statistics_pruned by a statement trigger,
 * and recompute_tool_statistics() adds those totals to what tool_executions still holds. So a full
 * recompute equals the incremental path after any delete. Cost: the deleted rows, once.
 */
export class PrunedStatistics1764000000005 implements MigrationInterface {
  name = 'PrunedStatistics1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    await q.query(`CREATE TABLE "tool_statistics_pruned" (
      "tool_name" character varying(255) NOT NULL,
      "total_executions" bigint NOT NULL DEFAULT '0',
      "successful_executions" bigint NOT NULL DEFAULT '0',
      "duration_sum_ms" bigint NOT NULL DEFAULT '0',
      "duration_count" bigint NOT NULL DEFAULT '0',
      "first_used" TIMESTAMP WITH TIME ZONE,
      "last_used" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_tool_statistics_pruned" PRIMARY KEY ("tool_name"))`);
    await q.query(`CREATE FUNCTION tool_statistics_pruned_capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO tool_statistics_pruned AS p (tool_name, total_executions, successful_executions,
                                                 duration_sum_ms, duration_count, first_used, last_used)
        SELECT tool_name, count(*), count(*) FILTER (WHERE success), coalesce(sum(duration_ms), 0),
               count(duration_ms), min(created_at), max(created_at)
          FROM old_rows
         GROUP BY tool_name
        ON CONFLICT (tool_name) DO UPDATE SET
          total_executions = p.total_executions + EXCLUDED.total_executions,
          successful_executions = p.successful_executions + EXCLUDED.successful_executions,
          duration_sum_ms = p.duration_sum_ms + EXCLUDED.duration_sum_ms,
          duration_count = p.duration_count + EXCLUDED.duration_count,
          first_used = least(p.first_used, EXCLUDED.first_used),
          last_used = greatest(p.last_used, EXCLUDED.last_used);
        RETURN NULL;
      END
    $fn$`);
    await q.query(`CREATE TRIGGER "trg_tool_executions_pruned" AFTER DELETE ON "tool_executions"
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tool_statistics_pruned_capture()`);
    // History pruned before this migration: what the cumulative statistics count beyond the rows
    // still present (deltas folded first, so tool_statistics is complete).
    await q.query(`SELECT update_tool_statistics()`);
    await q.query(`INSERT INTO tool_statistics_pruned (tool_name, total_executions, successful_executions,
                                                       duration_sum_ms, duration_count, first_used, last_used)
      SELECT s.tool_name, s.total_executions - coalesce(e.total, 0),
             s.successful_executions - coalesce(e.ok, 0),
             coalesce(d.duration_sum_ms, 0) - coalesce(e.dsum, 0),
             coalesce(d.duration_count, 0) - coalesce(e.dcount, 0),
             s.first_used, s.last_used
        FROM tool_statistics s
        LEFT JOIN tool_duration_totals d ON d.tool_name = s.tool_name
        LEFT JOIN (SELECT tool_name, count(*) AS total, count(*) FILTER (WHERE success) AS ok,
                          coalesce(sum(duration_ms), 0) AS dsum, count(duration_ms) AS dcount
                     FROM tool_executions GROUP BY tool_name) e ON e.tool_name = s.tool_name
       WHERE s.total_executions > coalesce(e.total, 0)`);
    await q.query(`DROP FUNCTION recompute_tool_statistics(interval)`);
    await q.query(`CREATE FUNCTION recompute_tool_statistics(duration_window interval DEFAULT '24 hours')
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE touched integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${REFRESH_LOCK});
${RECOMPUTE_COUNTS}
        GET DIAGNOSTICS touched = ROW_COUNT;
        ${PERCENTILES};
        RETURN touched;
      END
    $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS recompute_tool_statistics(interval)`);
    await q.query(RECOMPUTE_0002);
    await q.query(`DROP TRIGGER IF EXISTS "trg_tool_executions_pruned" ON "tool_executions"`);
    await q.query(`DROP FUNCTION IF EXISTS tool_statistics_pruned_capture()`);
    await q.query(`DROP TABLE IF EXISTS "tool_statistics_pruned"`);
  }
}
