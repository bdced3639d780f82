import type pg from 'pg';
import { isRetryable } from '../errors.js';
import { bulkInsertExecutions, bulkInsertToolExecutions } from '../sql/executions.js';
import type { ToolExecutionRow } from '../sql/executions.js';
import type { Entry } from './queue.js';

/**
 * Writes runs in one transaction: one bulk INSERT per table, executions first. Throws the
 * database's error; a connection-level fault discards the client instead of pooling it again.
 */
export async function insertBatch(
  pool: pg.Pool,
  entries: readonly Entry[],
): Promise<{ executions: number; toolRuns: number }> {
  const executions = entries.map((e) => e.unit.execution);
  const tools: ToolExecutionRow[] = [];
  for (const e of entries) for (const t of e.unit.tools) tools.push(t);
  const client = await pool.connect();
  let broken: Error | undefined;
  // A server shutdown can hit a checked-out client between statements: keep it off the host.
  const onClientError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onClientError);
  try {
    await client.query('BEGIN');
    const exec = bulkInsertExecutions(executions);
    await client.query(exec.text, exec.values);
    if (tools.length > 0) {
      const tool = bulkInsertToolExecutions(tools);
      await client.query(tool.text, tool.values);
    }
    await client.query('COMMIT');
  } catch (error) {
    broken = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onClientError);
    client.release(broken !== undefined && isRetryable(broken) ? broken : undefined);
  }
  return { executions: executions.length, toolRuns: tools.length };
}
