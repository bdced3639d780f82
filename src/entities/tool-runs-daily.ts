import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * tool_runs_hourly summed per UTC day (migration 0012), kept by the same fold and rebuild, so the
 * per-tool totals of a long window cost days × tools.
 */
@Entity({ name: 'tool_runs_daily' })
@Index('idx_tool_runs_daily_day', ['day'])
export class ToolRunsDaily {
  @PrimaryColumn({
    name: 'tool_name',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_tool_runs_daily',
  })
  toolName!: string;

  @PrimaryColumn({
    name: 'day',
    type: 'timestamptz',
    primaryKeyConstraintName: 'PK_tool_runs_daily',
  })
  day!: Date;

  @Column({ name: 'runs', type: 'bigint' })
  runs!: string;

  @Column({ name: 'successes', type: 'bigint' })
  successes!: string;
}
