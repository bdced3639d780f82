import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FOLD_DELTAS, PERCENTILES, REFRESH_LOCK } from './0002-learning-loop.js';
import { RECOMPUTE_COUNTS } from './0005-pruned-statistics.js';
import { rollupDown, rollupUp, type HourlyRollup } from './hourly-rollup.js';

// The sketch's constants, the same as src/stats/latency-sketch.ts (a migration keeps its own copy:
// it must keep meaning what it meant when it ran). Relative accuracy 1%: gamma = 1.01 / 0.99.
const GAMMA = '(1.01::double precision / 0.99::double precision)';
const UNTIMED = -2147483648; // runs without a duration: counted in `runs`, not in percentiles
const ZERO = -2147483647; // durations of 0 ms (or less): estimated as exactly 0

/**
 * The windowed percentiles from the hourly buckets (and any pending deltas), per tool and, when
 * `period` is given (an expression of the bucket's hour, e.g. its day), per tool and period. Dynamic SQL so
 * every call is planned with its actual window: the hour index is range-scanned, never the whole
 * table. Cost: hours in the window × buckets per hour, whatever the size of the history.
 */
export function latencyWindowFunction(
  name: string,
  period: ((hour: string) => string) | null,
  daily: string | null = null,
): string {
  const by = period === null ? '' : ', period';
  const keyed = (alias: string): string => (period === null ? '' : `, ${alias}.period`);
  const joinPeriod = period === null ? '' : ' AND r.period = t.period';
  const sources = ['tool_latency_buckets b', 'tool_latency_deltas d'].map((from) => {
    const a = from.at(-1)!;
    const pending = a === 'd' ? '$4 AND ' : '';
    const periodOf = period === null ? '' : `, ${period(`${a}.hour`)} AS period`;
    // With a daily level, whole UTC days [$5, $6) are read from it instead of their hours.
    const days = daily !== null && a === 'b' ? ` AND NOT (b.hour >= $5 AND b.hour < $6)` : '';
    return `SELECT ${a}.tool_name, ${a}.bucket, ${a}.count${periodOf} FROM ${from}
           WHERE ${pending}${a}.hour >= date_trunc('hour', $1, 'UTC') AND ${a}.hour < $2${days}
             AND ($3 IS NULL OR ${a}.tool_name = ANY ($3))`;
  });
  if (daily !== null)
    sources.push(`SELECT y.tool_name, y.bucket, y.count FROM ${daily} y
           WHERE y.day >= $5 AND y.day < $6 AND ($3 IS NULL OR y.tool_name = ANY ($3))`);
  return `CREATE FUNCTION ${name}(since timestamptz, until timestamptz,
                                              tools varchar[] DEFAULT NULL,
                                              pending boolean DEFAULT true${
                                                period === null
                                                  ? ''
                                                  : `,
                                              width text DEFAULT 'day'`
                                              })
      RETURNS TABLE (tool_name varchar,${period === null ? '' : ' period timestamptz,'} runs bigint, timed_runs bigint,
                     p50_ms double precision, p95_ms double precision)
      LANGUAGE plpgsql STABLE AS $fn$${
        daily === null
          ? ''
          : `
      DECLARE
        -- The whole UTC days inside the window's hours: from the first day boundary at or after the
        -- hour holding since, to the last at or before until (never below the first).
        day_lo timestamptz := CASE WHEN date_trunc('hour', since, 'UTC') = date_trunc('day', since, 'UTC')
                                   THEN date_trunc('day', since, 'UTC')
                                   ELSE date_trunc('day', since, 'UTC') + interval '1 day' END;
        day_hi timestamptz := greatest(day_lo, date_trunc('day', until, 'UTC'));`
      }
      BEGIN
        RETURN QUERY EXECUTE $q$
        WITH parts AS (
          ${sources.join(`
          UNION ALL
          `)}),
        merged AS (
          SELECT p.tool_name${keyed('p')}, p.bucket, sum(p.count)::bigint AS c
            FROM parts p GROUP BY p.tool_name${keyed('p')}, p.bucket HAVING sum(p.count) > 0),
        cum AS (
          SELECT m.tool_name${keyed('m')}, m.bucket,
                 sum(m.c) OVER (PARTITION BY m.tool_name${keyed('m')} ORDER BY m.bucket) AS upto,
                 sum(m.c) OVER (PARTITION BY m.tool_name${keyed('m')}) AS n
            FROM merged m WHERE m.bucket <> ${UNTIMED}),
        ranks AS (
          SELECT c.tool_name${keyed('c')}, max(c.n) AS n,
                 min(c.bucket) FILTER (WHERE c.upto > floor(0.5 * (c.n - 1))) AS b50lo,
                 min(c.bucket) FILTER (WHERE c.upto > ceil(0.5 * (c.n - 1))) AS b50hi,
                 min(c.bucket) FILTER (WHERE c.upto > floor(0.95 * (c.n - 1))) AS b95lo,
                 min(c.bucket) FILTER (WHERE c.upto > ceil(0.95 * (c.n - 1))) AS b95hi
            FROM cum c GROUP BY c.tool_name${keyed('c')}),
        totals AS (
          SELECT m.tool_name${keyed('m')}, sum(m.c)::bigint AS runs FROM merged m GROUP BY m.tool_name${keyed('m')})
        SELECT t.tool_name::varchar${keyed('t')}, t.runs, coalesce(r.n, 0)::bigint,
               latency_bucket_value(r.b50lo) + (0.5 * (r.n - 1) - floor(0.5 * (r.n - 1)))::double precision
                 * (latency_bucket_value(r.b50hi) - latency_bucket_value(r.b50lo)),
               latency_bucket_value(r.b95lo) + (0.95 * (r.n - 1) - floor(0.95 * (r.n - 1)))::double precision
                 * (latency_bucket_value(r.b95hi) - latency_bucket_value(r.b95lo))
          FROM totals t LEFT JOIN ranks r ON r.tool_name = t.tool_name${joinPeriod}
         ORDER BY t.tool_name${by}
        $q$ USING since, until, tools, pending${period === null ? '' : ', width'}${daily === null ? '' : ', day_lo, day_hi'};
      END
    $fn$`;
}

/**
 * metadata.durationWindow of every tool from the buckets: the same shape 0002 wrote. Runs after the
 * fold, so the deltas (just deleted) are not read.
 */
const WINDOW_FROM_BUCKETS = `
        WITH w AS (SELECT * FROM tool_latency_window(now() - duration_window, 'infinity', NULL, false))
        UPDATE tool_statistics s
           SET metadata = s.metadata || jsonb_build_object('durationWindow', jsonb_build_object(
                 'hours', extract(epoch FROM duration_window) / 3600,
                 'runs', coalesce(w.runs, 0),
                 'timedRuns', coalesce(w.timed_runs, 0),
                 'p50Ms', w.p50_ms,
                 'p95Ms', w.p95_ms,
                 'asOf', now()))
          FROM tool_statistics t
          LEFT JOIN w ON w.tool_name = t.tool_name
         WHERE s.tool_name = t.tool_name
           AND (w.tool_name IS NOT NULL OR coalesce((s.metadata->'durationWindow'->>'runs')::bigint, 0) > 0)`;

/** The latency rollup: (tool, UTC hour, duration bucket) → runs. */
export const LATENCY_ROLLUP: HourlyRollup = {
  stem: 'tool_latency',
  table: 'tool_latency_buckets',
  deltas: 'tool_latency_deltas',
  keys: [{ column: 'bucket', type: 'integer', of: 'latency_bucket(duration_ms)' }],
  counts: [{ column: 'count', of: 'count(*)' }],
};

/** update_ or recompute_tool_statistics: the counts' statement of 0002/0005, then `body`. */
function refreshFunction(name: string, counts: string, body: string): string {
  return `CREATE OR REPLACE FUNCTION ${name}(duration_window interval DEFAULT '24 hours')
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE touched integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${REFRESH_LOCK});
${counts}
        GET DIAGNOSTICS touched = ROW_COUNT;
${body}
        RETURN touched;
      END
    $fn$`;
}

const updateFunction = (body: string): string =>
  refreshFunction('update_tool_statistics', FOLD_DELTAS, body);
const recomputeFunction = (body: string): string =>
  refreshFunction('recompute_tool_statistics', RECOMPUTE_COUNTS, body);

/**
 * update_ and recompute_tool_statistics that fold (incremental) or rebuild (full) the given hourly
 * rollups (fold_<stem>, rebuild_<stem>), then write durationWindow from the latency buckets.
 */
export function refreshFolding(stems: readonly string[]): string[] {
  const each = (verb: string): string =>
    stems.map((stem) => `        PERFORM ${verb}_${stem}();`).join('\n');
  return [
    updateFunction(`${each('fold')}
        ${WINDOW_FROM_BUCKETS};`),
    recomputeFunction(`${each('rebuild')}
        ${WINDOW_FROM_BUCKETS};`),
  ];
}

/**
 * Latency sketches: per (tool, UTC hour) log-scale buckets of tool-run durations with 1% relative
 * accuracy (DDSketch's mapping: bucket = ceil(log_gamma(ms))). Insert and delete triggers append
 * deltas (no row contention between writers); the refresh folds them like the counts' deltas; any
 * window's p50/p95 merges hourly buckets, so the refresh costs new rows, never history.
 */
export class LatencySketches1764000000007 implements MigrationInterface {
  name = 'LatencySketches1764000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    await q.query(`CREATE FUNCTION latency_bucket(ms integer) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT CASE WHEN ms IS NULL THEN ${UNTIMED}
                    WHEN ms <= 0 THEN ${ZERO}
                    ELSE ceil(ln(ms::double precision) / ln(${GAMMA}))::integer END
      $fn$`);
    // The estimate for a bucket: gamma^i * (1 - alpha), within 1% of every value it holds; when
    // the bucket holds a single whole millisecond (durations are integers: below ~50 ms) that one.
    await q.query(`CREATE FUNCTION latency_bucket_value(bucket integer) RETURNS double precision
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT CASE WHEN bucket IS NULL OR bucket = ${UNTIMED} THEN NULL
                    WHEN bucket = ${ZERO} THEN 0
                    WHEN floor(power(${GAMMA}, bucket - 1)) + 1 = floor(power(${GAMMA}, bucket))
                      THEN floor(power(${GAMMA}, bucket))
                    ELSE power(${GAMMA}, bucket) * 0.99 END
      $fn$`);
    for (const statement of rollupUp(LATENCY_ROLLUP)) await q.query(statement);
    await q.query(latencyWindowFunction('tool_latency_window', null));
    for (const statement of refreshFolding(['tool_latency'])) await q.query(statement);
    // Buckets for the history already present (the triggers block writers until commit).
    await q.query(`SELECT rebuild_tool_latency()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(updateFunction(`        ${PERCENTILES};`));
    await q.query(recomputeFunction(`        ${PERCENTILES};`));
    for (const statement of rollupDown(LATENCY_ROLLUP)) await q.query(statement);
    await q.query(
      `DROP FUNCTION IF EXISTS tool_latency_window(timestamptz, timestamptz, varchar[], boolean)`,
    );
    await q.query(`DROP FUNCTION IF EXISTS latency_bucket_value(integer)`);
    await q.query(`DROP FUNCTION IF EXISTS latency_bucket(integer)`);
  }
}
