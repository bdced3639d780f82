import { inspect } from 'node:util';
import type pg from 'pg';
import { ClosedError, isRetryable } from '../errors.js';
import type { HistorySink } from '../schema/ports.js';
import type { ExecutionRow, ToolExecutionRow } from '../schema/rows.js';
import { bulkInsertRuns } from '../sql/executions.js';
import { serverIdentity } from '../sql/server-identity.js';

/** The batch writer's way in: one transaction per batch on a pooled connection of the primary. */
export class PoolHistorySink implements HistorySink {
  readonly configTarget: HistorySink['configTarget'];

  constructor(
    private readonly pool: pg.Pool,
    private readonly isClosed: () => boolean,
  ) {
    const o = pool.options;
    this.configTarget = {
      host: String(o.host ?? ''),
      port: Number(o.port ?? 5432),
      database: String(o.database ?? ''),
      user: String(o.user ?? ''),
    };
  }

  /**
   * What `util.inspect` shows: where it writes, never the pool (pg keeps the password on it as a
   * hidden property, which `showHidden` would print).
   */
  [inspect.custom](): string {
    const t = this.configTarget;
    return `PoolHistorySink { ${t.user}@${t.host}:${t.port}/${t.database} }`;
  }

  /** After the store's close(), a ClosedError rather than the driver's "pool ended" error. */
  private assertOpen(): void {
    if (this.isClosed()) throw new ClosedError('ExecutionStore');
  }

  async serverTarget(): ReturnType<HistorySink['serverTarget']> {
    this.assertOpen();
    const q = serverIdentity();
    const r = await this.pool.query<{ sysid: string; db: string; usr: string }>(q.text, q.values);
    const row = r.rows[0]!;
    return { systemIdentifier: row.sysid, database: row.db, user: row.usr };
  }

  async insertBatch(
    executions: readonly ExecutionRow[],
    tools: readonly ToolExecutionRow[],
  ): Promise<void> {
    this.assertOpen();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A server shutdown can hit a checked-out client between statements: keep it off the host.
    const onClientError = (error: Error): void => {
      broken ??= error;
    };
    client.on('error', onClientError);
    try {
      // One statement, so one implicit transaction and one round trip (see bulkInsertRuns).
      const q = bulkInsertRuns(executions, tools);
      await client.query(q.text, q.values);
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A connection-level fault discards the client instead of returning it to the pool. Such a
      // client keeps this listener: the server's own message (57P01 and the like) can arrive just
      // after the failed statement, and an 'error' event with no listener would throw in the host.
      const discard = broken !== undefined && isRetryable(broken);
      if (!discard) client.off('error', onClientError);
      client.release(discard ? broken : undefined);
    }
  }
}
