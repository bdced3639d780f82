import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REFRESH_LOCK } from './0002-learning-loop.js';
import { EDGES, RUNS_ROLLUP } from './0009-report-rollups.js';
import { dailyLevelDown, dailyLevelUp } from './hourly-rollup.js';

const DAILY = 'tool_runs_daily';

/**
 * tool_runs_totals(since, until, tools): runs and successes per tool in [since, until), exact, as
 * the sums of tool_runs_window's rows, but reading whole UTC days from tool_runs_daily, the other
 * whole hours from tool_runs_hourly, every pending delta in those hours, and the edge rows.
 */
const TOTALS = `CREATE FUNCTION tool_runs_totals(since timestamptz, until timestamptz, tools varchar[] DEFAULT NULL)
      RETURNS TABLE (tool_name varchar, runs bigint, successes bigint) LANGUAGE plpgsql STABLE AS $fn$
      DECLARE lo timestamptz; hi timestamptz; day_lo timestamptz; day_hi timestamptz;
      BEGIN
        -- [lo, hi): the whole hours in the window (as tool_runs_window); [day_lo, day_hi): the
        -- whole UTC days among them.
        lo := CASE WHEN since = date_trunc('hour', since, 'UTC') THEN since
                   ELSE date_trunc('hour', since, 'UTC') + interval '1 hour' END;
        hi := greatest(lo, date_trunc('hour', until, 'UTC'));
        day_lo := CASE WHEN lo = date_trunc('day', lo, 'UTC') THEN lo
                       ELSE date_trunc('day', lo, 'UTC') + interval '1 day' END;
        day_hi := greatest(day_lo, date_trunc('day', hi, 'UTC'));
        RETURN QUERY EXECUTE $q$
          SELECT p.tool_name::varchar, sum(p.runs)::bigint, sum(p.successes)::bigint
            FROM (SELECT y.tool_name, y.runs, y.successes FROM tool_runs_daily y
                   WHERE y.day >= $5 AND y.day < $6 AND ($7 IS NULL OR y.tool_name = ANY ($7))
                  UNION ALL
                  SELECT b.tool_name, b.runs, b.successes FROM tool_runs_hourly b
                   WHERE b.hour >= $3 AND b.hour < $4 AND NOT (b.hour >= $5 AND b.hour < $6)
                     AND ($7 IS NULL OR b.tool_name = ANY ($7))
                  UNION ALL
                  SELECT d.tool_name, d.runs, d.successes FROM tool_runs_hourly_deltas d
                   WHERE d.hour >= $3 AND d.hour < $4 AND ($7 IS NULL OR d.tool_name = ANY ($7))
                  UNION ALL
                  SELECT x.tool_name, count(*), count(*) FILTER (WHERE x.success) FROM tool_executions x
                   WHERE (${EDGES}) AND ($7 IS NULL OR x.tool_name = ANY ($7))
                   GROUP BY 1) p
           GROUP BY 1 HAVING sum(p.runs) > 0
        $q$ USING since, until, lo, hi, day_lo, day_hi, tools;
      END
    $fn$`;

/**
 * A daily level for the tool-run rollup (as 0011 for latency): tool_runs_daily kept by the same
 * fold and rebuild, and tool_runs_totals for per-tool sums over long windows (the report's tool
 * table): days × tools instead of hours × tools.
 */
export class RunsDaily1764000000012 implements MigrationInterface {
  name = 'RunsDaily1764000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    // No refresh may fold between the fill below and the new fold taking over.
    await q.query(`SELECT pg_advisory_xact_lock(${REFRESH_LOCK})`);
    for (const statement of dailyLevelUp(RUNS_ROLLUP, DAILY)) await q.query(statement);
    await q.query(TOTALS);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS tool_runs_totals(timestamptz, timestamptz, varchar[])`);
    for (const statement of dailyLevelDown(RUNS_ROLLUP, DAILY)) await q.query(statement);
  }
}
