import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Cumulative totals of deleted tool runs per tool (filled by a delete trigger), so a full
 * recompute of tool_statistics still counts what retention removed.
 */
@Entity({ name: 'tool_statistics_pruned' })
export class ToolStatisticsPruned {
  @PrimaryColumn({
    name: 'tool_name',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_tool_statistics_pruned',
  })
  toolName!: string;

  @Column({ name: 'total_executions', type: 'bigint', default: 0 })
  totalExecutions!: string;

  @Column({ name: 'successful_executions', type: 'bigint', default: 0 })
  successfulExecutions!: string;

  @Column({ name: 'duration_sum_ms', type: 'bigint', default: 0 })
  durationSumMs!: string;

  @Column({ name: 'duration_count', type: 'bigint', default: 0 })
  durationCount!: string;

  @Column({ name: 'first_used', type: 'timestamptz', nullable: true })
  firstUsed!: Date | null;

  @Column({ name: 'last_used', type: 'timestamptz', nullable: true })
  lastUsed!: Date | null;
}
