import type { Query } from './query.js';

/**
 * p50/p95 per tool over [since, until) from the hourly latency buckets (whole UTC hours: the hour
 * holding `since` counts in full) plus the deltas not yet folded. Cost: hours × buckets.
 */
export function selectLatencyWindow(
  since: Date | null,
  until: Date | null,
  tools: readonly string[] | null,
): Query {
  return {
    text: `SELECT tool_name, runs, timed_runs, p50_ms, p95_ms
             FROM tool_latency_window(coalesce($1::timestamptz, '-infinity'),
                                      coalesce($2::timestamptz, 'infinity'), $3::varchar[])`,
    values: [since, until, tools],
  };
}
