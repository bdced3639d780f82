import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonValue } from '../json/sanitize.js';

/**
 * A weekly lifecycle recommendation for one tool (archive, deprecate, promote, watch). At most one
 * open recommendation per (tool, action): a later run refreshes it instead of adding another.
 */
@Entity({ name: 'tool_lifecycle_recommendations' })
@Index('uq_tool_lifecycle_recommendations_open', ['toolName', 'action'], {
  unique: true,
  where: `"status" = 'open'`,
})
@Index('idx_tool_lifecycle_recommendations_status', ['status'])
@Check(
  'chk_tool_lifecycle_recommendations_action',
  `"action" IN ('archive', 'deprecate', 'promote', 'watch')`,
)
@Check(
  'chk_tool_lifecycle_recommendations_status',
  `"status" IN ('open', 'accepted', 'dismissed', 'expired')`,
)
export class ToolLifecycleRecommendation {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
  })
  id!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'action', type: 'varchar', length: 20 })
  action!: string;

  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  @Column({ name: 'evidence', type: 'jsonb', default: () => "'{}'" })
  evidence!: JsonValue;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'open' })
  status!: string;

  @Column({ name: 'job_run_id', type: 'bigint', nullable: true })
  jobRunId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
