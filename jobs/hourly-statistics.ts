import { jobRepositoryOf } from '../src/store/internal.js';
import type { JobDefinition } from './types.js';

export interface HourlyStatisticsSummary {
  [key: string]: unknown;
  /** Tools whose counts moved (had new runs since the last refresh). */
  toolsUpdated: number;
  /** Delta rows folded (one per tool per insert statement). */
  deltasFolded: number;
  durationWindowHours: number;
}

/** Folds the runs recorded since the last refresh into tool_statistics (cost: new rows only). */
export const hourlyStatistics: JobDefinition = {
  name: 'hourly-statistics',
  schedule: '0 * * * *',
  enabled: true,
  description: 'refresh tool_statistics from the runs added since the last refresh',
  async run({ store, thresholds }) {
    const [toolsUpdated, deltasFolded] = await jobRepositoryOf(store).refreshStatistics(
      thresholds.durationWindowHours,
      'hourly-statistics',
    );
    const summary: HourlyStatisticsSummary = {
      toolsUpdated,
      deltasFolded,
      durationWindowHours: thresholds.durationWindowHours,
    };
    return summary;
  },
};
