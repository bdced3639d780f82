import type { Query } from './query.js';

/** Incremental refresh: folds the pending deltas, then the windowed percentiles. */
export function callUpdateToolStatisticsWindow(durationWindowHours: number): Query {
  return {
    text: `SELECT update_tool_statistics($1::double precision * interval '1 hour') AS touched`,
    values: [durationWindowHours],
  };
}

/** Full recompute from all of tool_executions (repair, verification, benchmark baseline). */
export function callRecomputeToolStatistics(durationWindowHours = 24): Query {
  return {
    text: `SELECT recompute_tool_statistics($1::double precision * interval '1 hour') AS touched`,
    values: [durationWindowHours],
  };
}

/** How many deltas wait to be folded (a gauge for monitoring). */
export function selectPendingDeltas(): Query {
  return { text: `SELECT count(*)::bigint AS pending FROM tool_statistics_deltas`, values: [] };
}

/** Runs and successes per tool in [since, until): one range scan on created_at. */
export function selectToolWindowCounts(since: Date, until: Date): Query {
  return {
    text: `SELECT tool_name, count(*)::bigint AS total, count(*) FILTER (WHERE success)::bigint AS successes
             FROM tool_executions
            WHERE created_at >= $1 AND created_at < $2
            GROUP BY tool_name
            ORDER BY tool_name`,
    values: [since, until],
  };
}
