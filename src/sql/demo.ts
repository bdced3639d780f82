import type { Query } from './query.js';

/**
 * The demo records weeks of history in seconds: its executions carry their simulated start, and
 * this puts each of their tool runs at that moment too (a tool run's own row is stamped when the
 * middleware sees it start). Only the given executions are touched.
 */
export function alignToolRunTimes(executionIds: readonly string[]): Query {
  return {
    text: `UPDATE tool_executions te
              SET created_at = e.created_at
             FROM executions e
            WHERE e.execution_id = ANY($1::uuid[])
              AND te.execution_id = e.execution_id
              AND te.created_at <> e.created_at`,
    values: [executionIds],
  };
}
