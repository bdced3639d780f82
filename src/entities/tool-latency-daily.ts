import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * tool_latency_buckets summed per UTC day (migration 0011), kept by the same fold and rebuild, so a
 * long window's percentiles merge days × buckets instead of hours × buckets.
 */
@Entity({ name: 'tool_latency_daily' })
@Index('idx_tool_latency_daily_day', ['day'])
export class ToolLatencyDaily {
  @PrimaryColumn({
    name: 'tool_name',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_tool_latency_daily',
  })
  toolName!: string;

  @PrimaryColumn({
    name: 'day',
    type: 'timestamptz',
    primaryKeyConstraintName: 'PK_tool_latency_daily',
  })
  day!: Date;

  @PrimaryColumn({
    name: 'bucket',
    type: 'integer',
    primaryKeyConstraintName: 'PK_tool_latency_daily',
  })
  bucket!: number;

  @Column({ name: 'count', type: 'bigint' })
  count!: string;
}
