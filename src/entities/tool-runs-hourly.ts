import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Runs and successes of a tool in one UTC hour, kept by folding tool_runs_hourly_deltas (migration
 * 0009). The report's per-tool counts over any window cost hours × tools, not rows.
 */
@Entity({ name: 'tool_runs_hourly' })
@Index('idx_tool_runs_hourly_hour', ['hour'])
export class ToolRunsHourly {
  @PrimaryColumn({
    name: 'tool_name',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_tool_runs_hourly',
  })
  toolName!: string;

  @PrimaryColumn({
    name: 'hour',
    type: 'timestamptz',
    primaryKeyConstraintName: 'PK_tool_runs_hourly',
  })
  hour!: Date;

  @Column({ name: 'runs', type: 'bigint' })
  runs!: string;

  @Column({ name: 'successes', type: 'bigint' })
  successes!: string;
}
