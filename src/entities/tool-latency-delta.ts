import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Bucket increments appended by statement triggers on tool_executions (+1 per inserted run, -1 per
 * deleted one): writers never contend on a bucket row. update_tool_statistics() folds and deletes them.
 */
@Entity({ name: 'tool_latency_deltas' })
export class ToolLatencyDelta {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_tool_latency_deltas',
  })
  id!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'hour', type: 'timestamptz' })
  hour!: Date;

  @Column({ name: 'bucket', type: 'integer' })
  bucket!: number;

  @Column({ name: 'count', type: 'bigint' })
  count!: string;
}
