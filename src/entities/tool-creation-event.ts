import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonValue } from '../json/sanitize.js';

/** A tool the AI generated for itself, with the outcome of its validation. */
@Entity({ name: 'tool_creation_events' })
@Index('idx_tool_creation_events_tool_name', ['toolName'])
export class ToolCreationEvent {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
  })
  id!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'goal_text', type: 'text', nullable: true })
  goalText!: string | null;

  @Column({ name: 'generated_code', type: 'text' })
  generatedCode!: string;

  @Column({ name: 'validation_passed', type: 'boolean' })
  validationPassed!: boolean;

  @Column({ name: 'validation_errors', type: 'jsonb', nullable: true })
  validationErrors!: JsonValue | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'metadata', type: 'jsonb', default: () => "'{}'" })
  metadata!: JsonValue;
}
