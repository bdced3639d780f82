import type { HistorySink } from '../schema/ports.js';
import type { ToolExecutionRow } from '../schema/rows.js';
import type { Entry } from './queue.js';

/**
 * Writes runs in one transaction through the store's sink: executions first, then their tool
 * runs. Throws the database's own error (SQLSTATE intact) for the committer to classify.
 */
export async function insertBatch(
  sink: HistorySink,
  entries: readonly Entry[],
): Promise<{ executions: number; toolRuns: number }> {
  const executions = entries.map((e) => e.unit.execution);
  const tools: ToolExecutionRow[] = [];
  for (const e of entries) for (const t of e.unit.tools) tools.push(t);
  await sink.insertBatch(executions, tools);
  return { executions: executions.length, toolRuns: tools.length };
}
