import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn } from 'typeorm';
import type { ToolExecution } from './tool-execution.js';
import type { ExecutionFeedback } from './execution-feedback.js';
import type { JsonValue } from '../json/sanitize.js';
import type { ExecutionColumns } from '../schema/rows.js';

/** One goal processed by the orchestrator. */
@Entity({ name: 'executions' })
@Index('idx_executions_goal_id', ['goalId'])
@Index('idx_executions_created_at', ['createdAt', 'executionId'])
@Index('idx_executions_success', ['success'])
@Index('idx_executions_intent', ['intent'])
export class Execution implements ExecutionColumns<JsonValue, Date> {
  @PrimaryColumn({ name: 'execution_id', type: 'uuid' })
  executionId!: string;

  @Column({ name: 'goal_id', type: 'varchar', length: 255, nullable: true })
  goalId!: string | null;

  @Column({ name: 'goal_text', type: 'text' })
  goalText!: string;

  @Column({ name: 'intent', type: 'varchar', length: 50, nullable: true })
  intent!: string | null;

  @Column({ name: 'success', type: 'boolean', nullable: true })
  success!: boolean | null;

  @Column({ name: 'error', type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'metadata', type: 'jsonb', default: () => "'{}'" })
  metadata!: JsonValue;

  @OneToMany('ToolExecution', 'execution')
  toolExecutions?: ToolExecution[];

  @OneToMany('ExecutionFeedback', 'execution')
  feedback?: ExecutionFeedback[];
}
