import { ViewColumn, ViewEntity } from 'typeorm';
import type { ToolCountColumns } from '../schema/rows.js';

/** Real-time per-tool aggregates straight from tool_executions (a view; no refresh needed). */
@ViewEntity({
  name: 'tool_performance',
  expression: `
    SELECT tool_name,
           count(*)::bigint AS total_executions,
           count(*) FILTER (WHERE success)::bigint AS successful_executions,
           count(*) FILTER (WHERE NOT success)::bigint AS failed_executions,
           (count(*) FILTER (WHERE success))::double precision / NULLIF(count(*), 0) AS success_rate,
           avg(duration_ms)::double precision AS avg_duration_ms,
           min(created_at) AS first_used,
           max(created_at) AS last_used
      FROM tool_executions
     GROUP BY tool_name`,
})
export class ToolPerformance implements ToolCountColumns<string> {
  @ViewColumn({ name: 'tool_name' })
  toolName!: string;
  @ViewColumn({ name: 'total_executions' })
  totalExecutions!: string;
  @ViewColumn({ name: 'successful_executions' })
  successfulExecutions!: string;
  @ViewColumn({ name: 'failed_executions' })
  failedExecutions!: string;
  @ViewColumn({ name: 'success_rate' })
  successRate!: number | null;
  @ViewColumn({ name: 'avg_duration_ms' })
  avgDurationMs!: number | null;
  @ViewColumn({ name: 'first_used' })
  firstUsed!: Date;
  @ViewColumn({ name: 'last_used' })
  lastUsed!: Date;
}
