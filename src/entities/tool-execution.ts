import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Execution } from './execution.js';
import type { JsonValue } from '../json/sanitize.js';
import type { ToolRunColumns } from '../schema/rows.js';

/**
 * One tool run inside an execution. (execution_id, call_id) is the client-generated idempotency
 * key: as unique as call_id, and valid when the table is distributed by execution_id.
 */
@Entity({ name: 'tool_executions' })
@Index('idx_tool_executions_tool_name', ['toolName', 'createdAt'])
@Index('idx_tool_executions_success', ['success'])
@Index('idx_tool_executions_created_at', ['createdAt'])
@Index('idx_tool_executions_execution_id', ['executionId'])
@Index('uq_tool_executions_call_id', ['executionId', 'callId'], { unique: true })
export class ToolExecution implements ToolRunColumns<JsonValue, Date> {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
  })
  id!: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId!: string;

  @Column({ name: 'execution_id', type: 'uuid' })
  executionId!: string;

  @ManyToOne('Execution', 'toolExecutions', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'execution_id',
    referencedColumnName: 'executionId',
    foreignKeyConstraintName: 'fk_tool_executions_execution',
  })
  execution?: Execution;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'parameters', type: 'jsonb', nullable: true })
  parameters!: JsonValue | null;

  @Column({ name: 'result', type: 'jsonb', nullable: true })
  result!: JsonValue | null;

  @Column({ name: 'success', type: 'boolean' })
  success!: boolean;

  @Column({ name: 'error', type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
