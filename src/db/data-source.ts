import 'reflect-metadata';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config.js';
import { entities } from '../entities/index.js';
import { clientConfig } from './client-config.js';
import { migrations } from '../../migrations/index.js';

export const MIGRATIONS_TABLE = 'dendrite_migrations';

/** A TypeORM DataSource over this library's entities and ordered migrations (not initialised). */
export function createDataSource(
  config: DatabaseConfig,
  options: { poolMax?: number } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    host: config.host,
    port: config.port,
    database: config.database,
    username: config.user,
    password: config.password,
    entities,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    // pg's own settings (TLS, timeouts, a password asked for only when needed) win over TypeORM's.
    extra: { ...clientConfig(config, 'dendrite-history:migrate'), max: options.poolMax ?? 2 },
  });
}

/**
 * A DataSource that runs on one connection the caller already holds, instead of opening a pool
 * of its own: TypeORM is handed a driver whose "pool" lends that client and never ends it. The
 * caller keeps the client (and any session lock on it) and releases it after `destroy()`.
 */
export function dataSourceOnClient(config: DatabaseConfig, client: pg.ClientBase): DataSource {
  type Lend = (error: Error | undefined, client: pg.ClientBase, release: () => void) => void;
  class LentClientPool {
    on(): this {
      return this;
    }
    connect(callback: Lend): void {
      callback(undefined, client, () => undefined);
    }
    end(callback?: (error?: Error) => void): void {
      callback?.();
    }
  }
  return new DataSource({
    type: 'postgres',
    database: config.database,
    driver: { Pool: LentClientPool },
    entities,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
  });
}
