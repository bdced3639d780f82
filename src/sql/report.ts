import type { Query } from './query.js';

/** Which of the named tables exist (the learning loop's tables arrive with a later migration). */
export function selectTablesPresent(names: readonly string[]): Query {
  return {
    text: `SELECT name, to_regclass(name) IS NOT NULL AS present FROM unnest($1::text[]) AS name`,
    values: [names],
  };
}

/*
 * The report's counts come from hourly rollups through two exact window functions (migration
 * 0009): execution_outcomes_window and tool_runs_window read whole UTC hours from the rollups
 * (plus deltas not folded yet) and the partial hour at the window's start from the rows, so the
 * numbers equal a scan of the rows while costing hours × tools. Ratings still join the feedback
 * rows (one per rating, not per run).
 */

/**
 * Headline numbers for the window: executions, successes, ratings. (Tool runs and tools are the
 * sums of the tool table's rows: buildReport adds them up instead of reading the rollup twice.)
 */
export function selectReportTotals(since: Date): Query {
  return {
    text: `WITH x AS (
             SELECT coalesce(sum(total), 0)::bigint AS executions, coalesce(sum(successes), 0)::bigint AS successes,
                    coalesce(sum(rated), 0)::bigint AS rated
               FROM execution_outcomes_window($1, 'infinity'))
           SELECT x.executions, x.successes, x.rated,
                  -- Ratings belong to the window of the execution they rate, not of when they came.
                  (SELECT count(*) FROM execution_feedback f JOIN executions e USING (execution_id)
                    WHERE e.created_at >= $1) AS ratings,
                  (SELECT avg(f.rating)::double precision FROM execution_feedback f JOIN executions e USING (execution_id)
                    WHERE e.created_at >= $1) AS avg_rating
             FROM x`,
    values: [since],
  };
}

/**
 * Per tool in the window: runs, successes, the Wilson score interval of the success rate at the
 * given z (1.96 for 95%), and p50/p95 latency (from the latency sketches). Whether the AI
 * generated the tool comes along. Last used: one descent of idx_tool_executions_tool_name per tool.
 */
export function selectToolReport(since: Date, z: number): Query {
  return {
    text: `WITH t AS (
             SELECT tool_name, runs::double precision AS n, successes::double precision AS s
               FROM tool_runs_totals($1, 'infinity')),
           -- Latency from the hourly sketches (within 1% of percentile_cont; whole UTC hours).
           l AS (
             SELECT tool_name, p50_ms AS p50, p95_ms AS p95
               FROM tool_latency_window($1, 'infinity')),
           w AS (
             SELECT t.*, l.p50, l.p95, t.s / t.n AS p, $2::double precision AS z,
                    (SELECT max(e.created_at) FROM tool_executions e
                      WHERE e.tool_name = t.tool_name AND e.created_at >= $1) AS last_used
               FROM t LEFT JOIN l ON l.tool_name = t.tool_name)
           SELECT tool_name, n AS total, s AS successes, p AS success_rate,
                  -- Exactly 0 at no success and 1 at all successes (as wilsonInterval): the
                  -- floating-point algebra lands a rounding away from them.
                  CASE WHEN s = 0 THEN 0 ELSE
                  greatest(0, (p + z * z / (2 * n) - z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)))
                              / (1 + z * z / n)) END AS low,
                  CASE WHEN s = n THEN 1 ELSE
                  least(1, (p + z * z / (2 * n) + z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)))
                           / (1 + z * z / n)) END AS high,
                  p50, p95, last_used,
                  EXISTS (SELECT 1 FROM tool_creation_events c WHERE c.tool_name = w.tool_name) AS generated
             FROM w
            ORDER BY success_rate DESC, n DESC, tool_name`,
    values: [since, z],
  };
}

/**
 * Executions and failed executions per bucket ('hour' or 'day'), every bucket present, oldest
 * first. Buckets are the session time zone's, as date_trunc makes them; a UTC hour lies inside
 * one of them whenever the zone's offset is whole hours. In a zone offset by a fraction of an hour
 * at any time of the window (India, Nepal, parts of Australia, Lord Howe's DST) hours would
 * straddle buckets, so there the rows are counted.
 */
export function selectTimeline(since: Date, bucket: 'hour' | 'day'): Query {
  return {
    text: `WITH whole AS (
             -- Whole-hour offsets over the whole window, not only now: a zone can move by half an
             -- hour (Lord Howe's DST) or have changed its offset; checked once a day of the window.
             SELECT bool_and(extract(timezone_minute FROM d) = 0) AS aligned
               FROM (SELECT generate_series(least($1::timestamptz, now()), now(), interval '1 day')
                     UNION ALL SELECT now()) AS w(d)),
           counts AS (
             SELECT date_trunc($2::text, o.hour) AS bucket, sum(o.total) AS executions,
                    sum(o.rated - o.successes) AS failures
               FROM execution_outcomes_window($1, 'infinity') o, whole
              WHERE whole.aligned
              GROUP BY 1
             UNION ALL
             SELECT date_trunc($2::text, e.created_at), count(*), count(*) FILTER (WHERE e.success IS FALSE)
               FROM executions e, whole
              WHERE NOT whole.aligned AND e.created_at >= $1
              GROUP BY 1)
           SELECT s.bucket, coalesce(c.executions, 0)::bigint AS executions, coalesce(c.failures, 0)::bigint AS failures
             -- Every bucket of the window: hours stepped by a quarter hour and truncated, since
             -- a zone whose offset moves by half an hour (Lord Howe) moves its hour starts too;
             -- days stepped by calendar days (local midnight to local midnight across DST).
             FROM (SELECT date_trunc($2::text, g) AS bucket
                     FROM generate_series(date_trunc($2::text, $1::timestamptz), now(),
                                          CASE WHEN $2::text = 'hour' THEN interval '15 minutes'
                                               ELSE interval '1 day' END) AS g
                   UNION
                   SELECT date_trunc($2::text, now())) AS s
             LEFT JOIN counts c USING (bucket)
            ORDER BY s.bucket`,
    values: [since, bucket],
  };
}

/** How many ratings of each value 1..5 in the window (zeros included). */
export function selectRatingDistribution(since: Date): Query {
  return {
    text: `SELECT r.rating, count(f.id) AS count
             FROM generate_series(1, 5) AS r(rating)
             LEFT JOIN (execution_feedback f JOIN executions e USING (execution_id))
                    ON f.rating = r.rating AND e.created_at >= $1
            GROUP BY r.rating
            ORDER BY r.rating`,
    values: [since],
  };
}

/** Rated executions and successes per intent (all time when since is null), busiest first. */
export function selectSuccessByIntent(since: Date | null): Query {
  return {
    text: `SELECT intent, sum(rated)::bigint AS total, sum(successes)::bigint AS successes
             FROM execution_outcomes_window(coalesce($1::timestamptz, '-infinity'), 'infinity')
            GROUP BY intent
            ORDER BY sum(rated) DESC, intent NULLS LAST`,
    values: [since],
  };
}

/** Every registered tool's status (the registry of migration 0008). Needs tools. */
export function selectRegistryStatus(): Query {
  return { text: `SELECT name, status, promoted, origin FROM tools`, values: [] };
}

/** Tools the AI generated: first creation, attempts, whether any attempt passed validation. */
export function selectGeneratedTools(): Query {
  return {
    text: `SELECT tool_name, min(created_at) AS created_at, count(*) AS attempts,
                  bool_or(validation_passed) AS validation_passed
             FROM tool_creation_events
            GROUP BY tool_name
            ORDER BY min(created_at), tool_name`,
    values: [],
  };
}

/** Open lifecycle recommendations, strongest actions first. Needs tool_lifecycle_recommendations. */
export function selectOpenRecommendations(limit: number): Query {
  return {
    text: `SELECT id, tool_name, action, reason, evidence, status, created_at, updated_at
             FROM tool_lifecycle_recommendations
            WHERE status = 'open'
            ORDER BY CASE action WHEN 'archive' THEN 0 WHEN 'deprecate' THEN 1 WHEN 'promote' THEN 2 ELSE 3 END,
                     tool_name
            LIMIT $1`,
    values: [limit],
  };
}

/** The newest learning-loop job runs. Needs job_runs. */
export function selectJobHistory(limit: number): Query {
  return {
    text: `SELECT id, job_name, trigger, status, instance_id, started_at, finished_at,
                  extract(epoch FROM (finished_at - started_at)) * 1000 AS duration_ms, error, summary
             FROM job_runs
            ORDER BY started_at DESC, id DESC
            LIMIT $1`,
    values: [limit],
  };
}

/** The summary of the newest successful run of one job, if any. Needs job_runs. */
export function selectLatestJobSummary(jobName: string): Query {
  return {
    text: `SELECT summary, finished_at
             FROM job_runs
            WHERE job_name = $1 AND status = 'succeeded'
            ORDER BY finished_at DESC NULLS LAST, id DESC
            LIMIT 1`,
    values: [jobName],
  };
}
