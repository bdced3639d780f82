import type { ExecutionStore } from '../store/execution-store.js';
import { selectSuccessByIntent } from '../sql/report.js';

export interface IntentSuccess {
  /** The intent recorded with the executions (null when none was). */
  intent: string | null;
  /** Executions with an outcome (success true or false). */
  executions: number;
  /** Share that succeeded, or null with none. */
  successRate: number | null;
}

/** Success rate per intent, busiest first; all history unless `since` is given. */
export async function successRateByIntent(
  store: ExecutionStore,
  options: { since?: Date } = {},
): Promise<IntentSuccess[]> {
  const result = await store.read<{ intent: string | null; total: unknown; successes: unknown }>(
    selectSuccessByIntent(options.since ?? null),
    'successRateByIntent',
  );
  return result.rows.map((row) => {
    const executions = Number(row.total);
    return {
      intent: row.intent ?? null,
      executions,
      successRate: executions === 0 ? null : Number(row.successes) / executions,
    };
  });
}
