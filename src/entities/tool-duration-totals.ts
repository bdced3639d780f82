import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Exact running sum and count of tool durations, so tool_statistics.avg_duration_ms stays equal
 * to a full recompute as deltas are folded in.
 */
@Entity({ name: 'tool_duration_totals' })
export class ToolDurationTotals {
  @PrimaryColumn({ name: 'tool_name', type: 'varchar', length: 255 })
  toolName!: string;

  @Column({ name: 'duration_sum_ms', type: 'bigint', default: 0 })
  durationSumMs!: string;

  @Column({ name: 'duration_count', type: 'bigint', default: 0 })
  durationCount!: string;
}
