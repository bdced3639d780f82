import type pg from 'pg';
import { configFromUrl, type DatabaseConfig } from '../config.js';
import { ClosedError, mapDatabaseError } from '../errors.js';
import { createPool } from '../db/pool.js';
import type { Query } from '../sql/query.js';

export type Row = Record<string, unknown>;

/**
 * The store's connections: one pool on the primary, and a second only when a replica is
 * configured for reads. Every statement goes through here, so faults are mapped in one place and
 * a closed store answers with ClosedError instead of the driver's own complaint.
 */
export class StoreDatabase {
  readonly pool: pg.Pool;
  readonly readPool: pg.Pool;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(config: DatabaseConfig, options: { statementTimeoutMs?: number }) {
    const poolOptions =
      options.statementTimeoutMs === undefined
        ? {}
        : { statementTimeoutMs: options.statementTimeoutMs };
    this.pool = createPool(config, poolOptions);
    this.readPool =
      config.readUrl === undefined
        ? this.pool
        : createPool(
            { ...configFromUrl(config.readUrl), poolMin: config.poolMin, poolMax: config.poolMax },
            { ...poolOptions, applicationName: 'dendrite-history:read' },
          );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  assertOpen(): void {
    if (this.closed) throw new ClosedError('ExecutionStore');
  }

  /** Runs one statement on the primary, mapping faults to this library's errors. */
  async run<R extends pg.QueryResultRow = Row>(
    query: Query,
    context: string,
  ): Promise<pg.QueryResult<R>> {
    return await this.execute<R>(this.pool, query, context);
  }

  /** Runs one read statement on the read pool (replica when configured). */
  async read<R extends pg.QueryResultRow = Row>(
    query: Query,
    context: string,
  ): Promise<pg.QueryResult<R>> {
    return await this.execute<R>(this.readPool, query, context);
  }

  /** The rows of one read statement. */
  async rows(query: Query, context: string): Promise<Row[]> {
    return (await this.read(query, context)).rows;
  }

  /** A client of the primary pool (the caller releases it). */
  async connect(): Promise<pg.PoolClient> {
    this.assertOpen();
    try {
      return await this.pool.connect();
    } catch (error) {
      throw this.closed ? new ClosedError('ExecutionStore') : error;
    }
  }

  /**
   * Runs `fn` in one transaction on a primary client: COMMIT when it resolves, ROLLBACK when it
   * throws. `run` maps faults to this library's errors; a client whose ROLLBACK fails too is
   * discarded rather than returned to the pool.
   */
  async transaction<T>(
    context: string,
    fn: (
      run: <R extends pg.QueryResultRow = Row>(query: Query) => Promise<pg.QueryResult<R>>,
    ) => Promise<T>,
  ): Promise<T> {
    const client = await this.connect();
    const run = async <R extends pg.QueryResultRow = Row>(
      query: Query,
    ): Promise<pg.QueryResult<R>> => {
      try {
        return await client.query<R>(query.text, query.values);
      } catch (error) {
        throw mapDatabaseError(error, context);
      }
    };
    let broken = false;
    try {
      await run({ text: 'BEGIN', values: [] });
      const result = await fn(run);
      await run({ text: 'COMMIT', values: [] });
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async execute<R extends pg.QueryResultRow>(
    pool: pg.Pool,
    query: Query,
    context: string,
  ): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await pool.query<R>(query.text, query.values);
    } catch (error) {
      // close() raced this statement: the pool's own "after calling end" is not the caller's fault.
      if (this.closed) throw new ClosedError('ExecutionStore');
      throw mapDatabaseError(error, context);
    }
  }

  /** Ends the pools (idempotent). Waits at most timeoutMs for in-flight queries. */
  async close(timeoutMs: number): Promise<void> {
    if (this.closing !== undefined) return await this.closing;
    this.closed = true;
    const end = async (): Promise<void> => {
      await this.pool.end().catch(() => undefined);
      if (this.readPool !== this.pool) await this.readPool.end().catch(() => undefined);
    };
    let timer: NodeJS.Timeout | undefined;
    this.closing = Promise.race([
      end(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
    return await this.closing;
  }
}
