import { ValidationError } from '../src/errors.js';
import { Z_95 } from '../src/stats/wilson.js';

/** Every number the learning loop judges by. Defaults follow the seed's rules. */
export interface LearningThresholds {
  /** z of the Wilson score intervals. Default 1.96 (95%). */
  z: number;
  /** daily-low-performers: days of history judged. Default 7. */
  lowPerformerWindowDays: number;
  /** daily-low-performers: flag when the Wilson upper bound is below this. Default 0.5. */
  lowPerformerSuccessRate: number;
  /** daily-low-performers: fewest runs in the window to be judged ("more than 10"). Default 11. */
  lowPerformerMinExecutions: number;
  /** weekly archive: days without a run. Default 30. */
  archiveIdleDays: number;
  /** weekly deprecate: days of history judged. Default 30. */
  deprecateWindowDays: number;
  /** weekly deprecate: fewest runs in the window. Default 10. */
  deprecateMinExecutions: number;
  /** weekly deprecate: Wilson upper bound below this. Default 0.5. */
  deprecateSuccessRate: number;
  /** weekly promote: fewest runs of an AI-generated tool (all time). Default 20. */
  promoteMinExecutions: number;
  /** weekly promote: Wilson lower bound at least this. Default 0.9. */
  promoteLowerBound: number;
  /** weekly watch: drop in success rate, week over week, larger than this. Default 0.2 (20 points). */
  watchDrop: number;
  /** weekly watch: fewest runs in each of the two weeks. Default 10. */
  watchMinExecutionsPerWeek: number;
  /** Length of a "week" for watch, in days. Default 7. */
  watchWeekDays: number;
  /** hourly-statistics: window of the p50/p95 durations, in hours. Default 24. */
  durationWindowHours: number;
  /**
   * weekly: days a recommendation the user accepted or dismissed keeps the same (tool, action)
   * from being opened again, so a dismissed "archive" does not come back every week. Default 28.
   */
  settledQuietDays: number;
}

export const DEFAULT_THRESHOLDS: Readonly<LearningThresholds> = Object.freeze({
  z: Z_95,
  lowPerformerWindowDays: 7,
  lowPerformerSuccessRate: 0.5,
  lowPerformerMinExecutions: 11,
  archiveIdleDays: 30,
  deprecateWindowDays: 30,
  deprecateMinExecutions: 10,
  deprecateSuccessRate: 0.5,
  promoteMinExecutions: 20,
  promoteLowerBound: 0.9,
  watchDrop: 0.2,
  watchMinExecutionsPerWeek: 10,
  watchWeekDays: 7,
  durationWindowHours: 24,
  settledQuietDays: 28,
});

const RATES = new Set<keyof LearningThresholds>([
  'lowPerformerSuccessRate',
  'deprecateSuccessRate',
  'promoteLowerBound',
  'watchDrop',
]);

/** Defaults overlaid with the given values, each checked once with a message that says what to fix. */
export function resolveThresholds(partial: Partial<LearningThresholds> = {}): LearningThresholds {
  if (typeof partial !== 'object' || partial === null)
    throw new ValidationError('thresholds must be an object', 'thresholds');
  const out: LearningThresholds = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_THRESHOLDS))
      throw new ValidationError(
        `unknown threshold ${JSON.stringify(key)}; known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
        `thresholds.${key}`,
      );
    const k = key as keyof LearningThresholds;
    const max = RATES.has(k) ? 1 : 1e9;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max)
      throw new ValidationError(
        `thresholds.${key} must be a number from 0 to ${max}, got ${String(value)}`,
        `thresholds.${key}`,
      );
    out[k] = value;
  }
  return out;
}
