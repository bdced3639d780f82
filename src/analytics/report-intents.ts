import type { ExecutionStore } from '../index.js';
import { portsOf } from '../schema/ports.js';
import type { IntentSuccess } from './report-types.js';

export type { IntentSuccess } from './report-types.js';

/** Success rate per intent, busiest first; all history unless `since` is given. */
export async function successRateByIntent(
  store: ExecutionStore,
  options: { since?: Date } = {},
): Promise<IntentSuccess[]> {
  const rows = await portsOf(store).reports.successByIntent(options.since ?? null);
  return rows.map((row) => {
    const executions = Number(row.total);
    return {
      intent: (row.intent as string | null) ?? null,
      executions,
      successRate: executions === 0 ? null : Number(row.successes) / executions,
    };
  });
}
