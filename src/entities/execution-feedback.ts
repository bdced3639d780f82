import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Execution } from './execution.js';

/** A user's rating (1-5) of one execution. */
@Entity({ name: 'execution_feedback' })
@Index('idx_execution_feedback_execution_id', ['executionId'])
@Check('chk_execution_feedback_rating', '"rating" BETWEEN 1 AND 5')
export class ExecutionFeedback {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
  })
  id!: string;

  @Column({ name: 'execution_id', type: 'uuid' })
  executionId!: string;

  @ManyToOne('Execution', 'feedback', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'execution_id',
    referencedColumnName: 'executionId',
    foreignKeyConstraintName: 'fk_execution_feedback_execution',
  })
  execution?: Execution;

  @Column({ name: 'rating', type: 'smallint' })
  rating!: number;

  @Column({ name: 'feedback_text', type: 'text', nullable: true })
  feedbackText!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
