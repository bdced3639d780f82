import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonValue } from '../json/sanitize.js';
import type { ToolCountColumns } from '../schema/rows.js';

/** Per-tool aggregates, folded by update_tool_statistics(). */
@Entity({ name: 'tool_statistics' })
export class ToolStatistics implements ToolCountColumns<string> {
  @PrimaryColumn({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'total_executions', type: 'bigint', default: 0 })
  totalExecutions!: string;

  @Column({ name: 'successful_executions', type: 'bigint', default: 0 })
  successfulExecutions!: string;

  @Column({ name: 'failed_executions', type: 'bigint', default: 0 })
  failedExecutions!: string;

  @Column({ name: 'avg_duration_ms', type: 'double precision', nullable: true })
  avgDurationMs!: number | null;

  @Column({ name: 'last_used', type: 'timestamptz', nullable: true })
  lastUsed!: Date | null;

  @Column({ name: 'first_used', type: 'timestamptz', nullable: true })
  firstUsed!: Date | null;

  @Column({
    name: 'success_rate',
    type: 'double precision',
    nullable: true,
    generatedType: 'STORED',
    asExpression:
      'CASE WHEN total_executions > 0 THEN successful_executions::double precision / total_executions ELSE NULL END',
  })
  successRate!: number | null;

  @Column({ name: 'metadata', type: 'jsonb', default: () => "'{}'" })
  metadata!: JsonValue;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
