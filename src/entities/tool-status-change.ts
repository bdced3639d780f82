import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One change of a registered tool's status (or its promoted mark): who made it, when, and why. */
@Entity({ name: 'tool_status_changes' })
@Index('idx_tool_status_changes_tool_name', ['toolName', 'createdAt'])
export class ToolStatusChange {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_tool_status_changes',
  })
  id!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  /** Null when the change created the registry row. */
  @Column({ name: 'from_status', type: 'varchar', length: 20, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 20 })
  toStatus!: string;

  /** True when this change set the promoted mark. */
  @Column({ name: 'promoted', type: 'boolean', default: false })
  promoted!: boolean;

  /** Who or what made it: 'user', 'learning-loop:<instance>', or the caller's own label. */
  @Column({ name: 'changed_by', type: 'varchar', length: 255 })
  changedBy!: string;

  @Column({ name: 'recommendation_id', type: 'bigint', nullable: true })
  recommendationId!: string | null;

  @Column({ name: 'reason', type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
