import pg from 'pg';
import { describeConfig, type DatabaseConfig } from '../config.js';
import { clientConfig } from './client-config.js';

// int8 (count(*), bigint ids) arrives as a string by default; counts here fit in a double. Set per
// pool, never globally, so the host application's own pg usage is untouched.
const INT8_OID = 20;
const parseInt8 = (value: string): number | string => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
};
const poolTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return format === 'binary'
      ? pg.types.getTypeParser(oid, 'binary')
      : pg.types.getTypeParser(oid, 'text');
  },
};

export interface PoolOptions {
  /** Label shown in pg_stat_activity. Default `dendrite-history`. */
  applicationName?: string;
  /** Called with pool-level errors (an idle client dropped by the server); default ignores them. */
  onError?: (error: Error) => void;
  /** Per-statement timeout in ms. Default none. */
  statementTimeoutMs?: number;
}

function ignoreClientError(): void {
  // see createPool
}

/** A pg pool for a config. Client errors, idle or checked out, never crash the process. */
export function createPool(config: DatabaseConfig, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(config, options.applicationName ?? 'dendrite-history'),
    min: config.poolMin,
    max: config.poolMax,
    idleTimeoutMillis: 30_000,
    types: poolTypes as pg.CustomTypesConfig,
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { statement_timeout: options.statementTimeoutMs }),
  });
  pool.on('error', (error) => options.onError?.(error));
  // pg emits 'error' on a client whose connection the server ends (a restart, a failover,
  // pg_terminate_backend). The pool listens only while a client is idle: on a checked-out client
  // nothing would, and the event would throw in the host process. Every client gets a listener for
  // its lifetime; its statements still reject, which is where the callers handle the fault.
  pool.on('connect', (client) => client.on('error', ignoreClientError));
  return pool;
}

export { describeConfig };
