import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * How many runs of a tool in one UTC hour fell into one log-scale duration bucket (1% relative
 * accuracy; see src/stats/latency-sketch.ts). Windows merge hours by adding counts, so any window's
 * percentiles cost hours × buckets, not rows. Kept by folding tool_latency_deltas.
 */
@Entity({ name: 'tool_latency_buckets' })
@Index('idx_tool_latency_buckets_hour', ['hour'])
export class ToolLatencyBucket {
  @PrimaryColumn({
    name: 'tool_name',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_tool_latency_buckets',
  })
  toolName!: string;

  @PrimaryColumn({
    name: 'hour',
    type: 'timestamptz',
    primaryKeyConstraintName: 'PK_tool_latency_buckets',
  })
  hour!: Date;

  @PrimaryColumn({
    name: 'bucket',
    type: 'integer',
    primaryKeyConstraintName: 'PK_tool_latency_buckets',
  })
  bucket!: number;

  @Column({ name: 'count', type: 'bigint' })
  count!: string;
}
