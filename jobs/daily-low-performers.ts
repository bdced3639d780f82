import { windowStart } from '../src/retention/period.js';
import { wilsonInterval, type Interval } from '../src/stats/wilson.js';
import { jobRepositoryOf } from '../src/store/internal.js';
import type { JobDefinition } from './types.js';

const DAY_MS = 86_400_000;

export interface LowPerformer {
  toolName: string;
  total: number;
  successes: number;
  successRate: number;
  /** Wilson score interval of the success rate. */
  interval: Interval;
}

export interface LowPerformersSummary {
  [key: string]: unknown;
  /** Only the flagged tools: enough runs, and even the optimistic bound is below the threshold. */
  lowPerformers: LowPerformer[];
  /** Tools with enough runs in the window to be judged. */
  toolsJudged: number;
  since: string;
  until: string;
  threshold: number;
  minExecutions: number;
}

/**
 * Tools failing beyond reasonable doubt: at least `lowPerformerMinExecutions` runs in the window
 * and a Wilson upper bound below `lowPerformerSuccessRate`. 5 of 12 is not judged failing (it could
 * be 0.68); 400 of 1,000 is (at most 0.43).
 */
export const dailyLowPerformers: JobDefinition = {
  name: 'daily-low-performers',
  schedule: '0 3 * * *',
  enabled: true,
  description: 'flag tools whose success rate is confidently below the threshold',
  async run({ store, thresholds, now }) {
    const since = windowStart(now, thresholds.lowPerformerWindowDays * DAY_MS);
    const rows = await jobRepositoryOf(store).toolWindowCounts(since, now, 'daily-low-performers');
    const lowPerformers: LowPerformer[] = [];
    let judged = 0;
    for (const row of rows) {
      const total = Number(row.total);
      const successes = Number(row.successes);
      if (total < thresholds.lowPerformerMinExecutions) continue;
      judged++;
      const interval = wilsonInterval(successes, total, thresholds.z);
      if (interval[1] < thresholds.lowPerformerSuccessRate)
        lowPerformers.push({
          toolName: row.tool_name as string,
          total,
          successes,
          successRate: successes / total,
          interval,
        });
    }
    lowPerformers.sort(
      (a, b) => a.interval[1] - b.interval[1] || a.toolName.localeCompare(b.toolName),
    );
    const summary: LowPerformersSummary = {
      lowPerformers,
      toolsJudged: judged,
      since: since.toISOString(),
      until: now.toISOString(),
      threshold: thresholds.lowPerformerSuccessRate,
      minExecutions: thresholds.lowPerformerMinExecutions,
    };
    return summary;
  },
};
