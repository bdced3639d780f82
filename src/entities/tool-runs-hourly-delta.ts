import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Run and success increments appended by statement triggers on tool_executions (+ per inserted run,
 * - per deleted one): writers never contend on a rollup row. update_tool_statistics() folds them.
 */
@Entity({ name: 'tool_runs_hourly_deltas' })
export class ToolRunsHourlyDelta {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_tool_runs_hourly_deltas',
  })
  id!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'hour', type: 'timestamptz' })
  hour!: Date;

  @Column({ name: 'runs', type: 'bigint' })
  runs!: string;

  @Column({ name: 'successes', type: 'bigint' })
  successes!: string;
}
