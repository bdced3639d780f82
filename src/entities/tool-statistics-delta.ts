import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Per-tool increments appended by a statement-level trigger on tool_executions (append-only);
 * update_tool_statistics() folds them into tool_statistics and deletes them.
 */
@Entity({ name: 'tool_statistics_deltas' })
export class ToolStatisticsDelta {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
  })
  id!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'total_executions', type: 'bigint' })
  totalExecutions!: string;

  @Column({ name: 'successful_executions', type: 'bigint' })
  successfulExecutions!: string;

  @Column({ name: 'duration_sum_ms', type: 'bigint' })
  durationSumMs!: string;

  @Column({ name: 'duration_count', type: 'bigint' })
  durationCount!: string;

  @Column({ name: 'first_used', type: 'timestamptz', nullable: true })
  firstUsed!: Date | null;

  @Column({ name: 'last_used', type: 'timestamptz', nullable: true })
  lastUsed!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
