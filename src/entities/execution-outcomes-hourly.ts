import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Executions counted per UTC hour and intent ('' for none), kept by triggers on executions
 * (inserts add, deletes subtract). getSuccessRate sums these instead of scanning history.
 */
@Entity({ name: 'execution_outcomes_hourly' })
export class ExecutionOutcomesHourly {
  @PrimaryColumn({
    name: 'hour',
    type: 'timestamp',
    primaryKeyConstraintName: 'PK_execution_outcomes_hourly',
  })
  hour!: Date;

  @PrimaryColumn({
    name: 'intent',
    type: 'varchar',
    length: 50,
    primaryKeyConstraintName: 'PK_execution_outcomes_hourly',
  })
  intent!: string;

  @Column({ name: 'total', type: 'bigint', default: 0 })
  total!: string;

  @Column({ name: 'rated', type: 'bigint', default: 0 })
  rated!: string;

  @Column({ name: 'successes', type: 'bigint', default: 0 })
  successes!: string;
}
