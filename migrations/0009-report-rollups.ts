import type { MigrationInterface, QueryRunner } from 'typeorm';
import { latencyWindowFunction, refreshFolding } from './0007-latency-sketches.js';
import { rollupDown, rollupUp, type HourlyRollup } from './hourly-rollup.js';

/** Tool runs and successes per (tool, UTC hour). */
export const RUNS_ROLLUP: HourlyRollup = {
  stem: 'tool_runs',
  table: 'tool_runs_hourly',
  deltas: 'tool_runs_hourly_deltas',
  keys: [],
  counts: [
    { column: 'runs', of: 'count(*)' },
    { column: 'successes', of: 'count(*) FILTER (WHERE success)' },
  ],
};

/**
 * An exact window [since, until) over an hourly rollup: whole UTC hours inside it come from the
 * rollup (`hours`, reading hours in [$3, $4)), the partial hours at its edges (at most one at each
 * end) from the rows themselves (`rows`, reading created_at in [$1, $3) and [$4, $2)). So a
 * window's cost is its hours plus at most two hours of rows, and the result equals a scan.
 */
function exactWindow(
  signature: string,
  columns: string,
  hours: string,
  rows: string,
  more = '',
): string {
  return `CREATE FUNCTION ${signature}
      RETURNS TABLE (${columns}) LANGUAGE plpgsql STABLE AS $fn$
      DECLARE lo timestamptz; hi timestamptz;
      BEGIN
        -- lo: the first hour boundary at or after since; hi: the last at or before until (never
        -- below lo, so a window inside one hour reads rows only, once).
        lo := CASE WHEN since = date_trunc('hour', since, 'UTC') THEN since
                   ELSE date_trunc('hour', since, 'UTC') + interval '1 hour' END;
        hi := greatest(lo, date_trunc('hour', until, 'UTC'));
        -- Dynamic SQL: planned with the actual bounds, so indexes are range-scanned.
        RETURN QUERY EXECUTE $q$
${hours}
          UNION ALL
${rows}
        $q$ USING since, until, lo, hi${more};
      END
    $fn$`;
}

/** Rows of a table at the window's edges: created_at in [since, lo) or [hi, until). */
export const EDGES = `(x.created_at >= $1 AND x.created_at < least($3, $2)) OR (x.created_at >= $4 AND x.created_at < $2)`;

/**
 * tool_runs_window(since, until, tools): runs and successes per (tool, UTC hour) in [since,
 * until), of the given tools (all when null), exact: folded rollup rows plus the deltas the
 * refresh has not folded yet, edges from rows.
 */
const TOOL_RUNS_WINDOW = exactWindow(
  'tool_runs_window(since timestamptz, until timestamptz, tools varchar[] DEFAULT NULL)',
  'tool_name varchar, hour timestamptz, runs bigint, successes bigint',
  `          SELECT p.tool_name::varchar, p.hour, sum(p.runs)::bigint, sum(p.successes)::bigint
            FROM (SELECT b.tool_name, b.hour, b.runs, b.successes FROM tool_runs_hourly b
                   WHERE b.hour >= $3 AND b.hour < $4 AND ($5 IS NULL OR b.tool_name = ANY ($5))
                  UNION ALL
                  SELECT d.tool_name, d.hour, d.runs, d.successes FROM tool_runs_hourly_deltas d
                   WHERE d.hour >= $3 AND d.hour < $4 AND ($5 IS NULL OR d.tool_name = ANY ($5))) p
           GROUP BY 1, 2 HAVING sum(p.runs) > 0`,
  `          SELECT x.tool_name::varchar, date_trunc('hour', x.created_at, 'UTC'),
                 count(*)::bigint, count(*) FILTER (WHERE x.success)::bigint
            FROM tool_executions x
           WHERE (${EDGES}) AND ($5 IS NULL OR x.tool_name = ANY ($5))
           GROUP BY 1, 2`,
  ', tools',
);

/**
 * execution_outcomes_window(since, until): executions, rated and successes per (UTC hour, intent)
 * in [since, until), exact, from 0003's execution_outcomes_hourly (kept by triggers on insert,
 * delete and, since 0006, update: current without a refresh) and the edge rows. intent NULL for none.
 */
const EXECUTION_OUTCOMES_WINDOW = exactWindow(
  'execution_outcomes_window(since timestamptz, until timestamptz)',
  'hour timestamptz, intent varchar, total bigint, rated bigint, successes bigint',
  `          SELECT h.hour AT TIME ZONE 'UTC', nullif(h.intent, '')::varchar, h.total, h.rated, h.successes
            FROM execution_outcomes_hourly h
           WHERE h.hour >= ($3 AT TIME ZONE 'UTC') AND h.hour < ($4 AT TIME ZONE 'UTC') AND h.total > 0`,
  `          SELECT date_trunc('hour', x.created_at, 'UTC'), x.intent::varchar,
                 count(*)::bigint, count(x.success)::bigint, count(*) FILTER (WHERE x.success)::bigint
            FROM executions x
           WHERE ${EDGES}
           GROUP BY 1, 2`,
);

/**
 * Report rollups (issue 15): the overview and `report --days N` read hours, not rows. Tool runs
 * and successes per (tool, UTC hour) kept like 0007's latency sketches (statement triggers append
 * deltas, the refresh folds them), and two exact window functions over this rollup and 0003's
 * execution outcomes. The tool-name index gains created_at, so a tool's newest run in a window
 * (the report's "last used", the tool page's recent runs and errors) is an index descent.
 */
export class ReportRollups1764000000009 implements MigrationInterface {
  name = 'ReportRollups1764000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    for (const statement of rollupUp(RUNS_ROLLUP)) await q.query(statement);
    await q.query(TOOL_RUNS_WINDOW);
    await q.query(EXECUTION_OUTCOMES_WINDOW);
    // Per-tool p50/p95 per day or hour (`width`, in the session's time zone) for the tool page.
    await q.query(
      latencyWindowFunction('tool_latency_series', (hour) => `date_trunc($5, ${hour})`),
    );
    for (const statement of refreshFolding(['tool_latency', 'tool_runs'])) await q.query(statement);
    // The history already present (the triggers block writers until commit).
    await q.query(`SELECT rebuild_tool_runs()`);
    await q.query(`DROP INDEX "idx_tool_executions_tool_name"`);
    await q.query(
      `CREATE INDEX "idx_tool_executions_tool_name" ON "tool_executions" ("tool_name", "created_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_tool_executions_tool_name"`);
    await q.query(
      `CREATE INDEX "idx_tool_executions_tool_name" ON "tool_executions" ("tool_name")`,
    );
    for (const statement of refreshFolding(['tool_latency'])) await q.query(statement);
    await q.query(`DROP FUNCTION IF EXISTS execution_outcomes_window(timestamptz, timestamptz)`);
    await q.query(`DROP FUNCTION IF EXISTS tool_runs_window(timestamptz, timestamptz, varchar[])`);
    await q.query(
      `DROP FUNCTION IF EXISTS tool_latency_series(timestamptz, timestamptz, varchar[], boolean, text)`,
    );
    for (const statement of rollupDown(RUNS_ROLLUP)) await q.query(statement);
  }
}
