import type { DataSource } from 'typeorm';
import type pg from 'pg';
import { describeConfig, type DatabaseConfig } from '../config.js';
import { mapDatabaseError, sqlStateOf } from '../errors.js';
import { LockPurpose, withSessionAdvisoryLock } from './advisory-lock.js';
import { dataSourceOnClient } from './data-source.js';
import { createPool } from './pool.js';
import { migrations } from '../../migrations/index.js';

export interface MigrationOutcome {
  /** Names of the migrations applied by this call (empty when already up to date). */
  applied: string[];
}

// Creating the same catalog object twice at once (even with IF NOT EXISTS) can end in these.
const CLASH_CODES = new Set(['23505', '42P06', '42P07', '42710']);

/**
 * Runs fn with a TypeORM DataSource on the given client while that client holds the migration
 * lock: one connection does both, so migrating costs no pool of its own.
 */
async function withLockedDataSource<T>(
  client: pg.ClientBase,
  config: DatabaseConfig,
  fn: (ds: DataSource) => Promise<T>,
): Promise<T> {
  return await withSessionAdvisoryLock(client, LockPurpose.migrate, async () => {
    // The client may come from a pool with a statement timeout meant for queries, not DDL.
    await client.query('SET statement_timeout = 0');
    const ds = dataSourceOnClient(config, client);
    try {
      await ds.initialize();
      return await fn(ds);
    } finally {
      await ds.destroy().catch(() => undefined);
      await client.query('RESET statement_timeout').catch(() => undefined);
    }
  });
}

/**
 * Applies pending migrations on a connection the caller holds. Concurrent callers (several
 * processes starting at once) take turns on an advisory lock, so every one of them succeeds and
 * each migration runs once. Nothing pending (the usual case) costs one query and no TypeORM setup.
 */
export async function migrateOnClient(
  client: pg.ClientBase,
  config: DatabaseConfig,
): Promise<MigrationOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await pendingMigrations(client)).length === 0) return { applied: [] };
      return await withLockedDataSource(client, config, async (ds) => {
        const done = await ds.runMigrations({ transaction: 'all' });
        return { applied: done.map((m) => m.name) };
      });
    } catch (error) {
      if (attempt < 3 && CLASH_CODES.has(sqlStateOf(error) ?? '')) continue;
      throw mapDatabaseError(error, 'migration failed');
    }
  }
}

/** Runs fn on one connection of a short-lived single-connection pool. */
async function withOneConnection<T>(
  config: DatabaseConfig,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const pool = createPool(
    { ...config, poolMin: 0, poolMax: 1 },
    { applicationName: 'dendrite-history:migrate' },
  );
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw mapDatabaseError(error, `cannot connect to PostgreSQL at ${describeConfig(config)}`);
    });
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** Applies pending migrations (see migrateOnClient), on a connection of its own. */
export async function migrate(config: DatabaseConfig): Promise<MigrationOutcome> {
  return await withOneConnection(config, (client) => migrateOnClient(client, config));
}

/** Reverts the most recent migration. Returns its name, or null when nothing was applied. */
export async function revertLastMigration(config: DatabaseConfig): Promise<string | null> {
  return await withOneConnection(config, (client) =>
    withLockedDataSource(client, config, async (ds) => {
      const before = await appliedNames(ds);
      if (before.length === 0) return null;
      await ds.undoLastMigration({ transaction: 'all' });
      return before[before.length - 1] ?? null;
    }),
  );
}

async function appliedNames(ds: DataSource): Promise<string[]> {
  const table = ds.options.migrationsTableName ?? 'migrations';
  const exists = await ds.query('SELECT to_regclass($1) AS t', [table]);
  if (exists[0]?.t === null) return [];
  const rows: { name: string }[] = await ds.query(`SELECT name FROM "${table}" ORDER BY id`);
  return rows.map((r) => r.name);
}

/** Names of migrations this library knows that the database has not applied yet. */
export async function pendingMigrations(client: pg.ClientBase | pg.Pool): Promise<string[]> {
  const exists = await client.query("SELECT to_regclass('dendrite_migrations') AS t");
  const known = migrations.map((m) => m.name);
  if (exists.rows[0]?.t === null) return known;
  const rows = await client.query<{ name: string }>('SELECT name FROM dendrite_migrations');
  const applied = new Set(rows.rows.map((r) => r.name));
  return known.filter((name) => !applied.has(name));
}
