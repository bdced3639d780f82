import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonValue } from '../json/sanitize.js';

/**
 * One run of a learning-loop job, scheduled or manual. The unique (job_name, fire_time) key is
 * what makes a scheduled fire run on exactly one instance; a `running` row whose lease expired is
 * a run whose instance died.
 */
@Entity({ name: 'job_runs' })
@Index('uq_job_runs_job_name_fire_time', ['jobName', 'fireTime'], { unique: true })
@Index('idx_job_runs_started_at', ['startedAt'])
@Check('chk_job_runs_status', `"status" IN ('running', 'succeeded', 'failed', 'crashed')`)
@Check('chk_job_runs_trigger', `"trigger" IN ('scheduled', 'manual')`)
export class JobRun {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
  })
  id!: string;

  @Column({ name: 'job_name', type: 'varchar', length: 100 })
  jobName!: string;

  @Column({ name: 'fire_time', type: 'timestamptz' })
  fireTime!: Date;

  @Column({ name: 'trigger', type: 'varchar', length: 20, default: 'scheduled' })
  trigger!: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 255 })
  instanceId!: string;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'running' })
  status!: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz' })
  leaseExpiresAt!: Date;

  @Column({ name: 'summary', type: 'jsonb', nullable: true })
  summary!: JsonValue | null;

  @Column({ name: 'error', type: 'text', nullable: true })
  error!: string | null;
}
