import type { DataSource } from 'typeorm';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { mapDatabaseError, sqlStateOf } from '../errors.js';
import { LockPurpose, withSessionAdvisoryLock } from './advisory-lock.js';
import { createDataSource } from './data-source.js';
import { migrations } from '../../migrations/index.js';

export interface MigrationOutcome {
  /** Names of the migrations applied by this call (empty when already up to date). */
  applied: string[];
}

// Creating the same catalog object twice at once (even with IF NOT EXISTS) can end in these.
const CLASH_CODES = new Set(['23505', '42P06', '42P07', '42710']);

async function withLockedDataSource<T>(
  config: DatabaseConfig,
  fn: (ds: DataSource) => Promise<T>,
): Promise<T> {
  const lockClient = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    application_name: 'dendrite-history:migrate-lock',
  });
  try {
    await lockClient.connect();
  } catch (error) {
    throw mapDatabaseError(error, `cannot connect to ${config.host}:${config.port}`);
  }
  lockClient.on('error', () => undefined);
  try {
    return await withSessionAdvisoryLock(lockClient, LockPurpose.migrate, async () => {
      const ds = createDataSource(config);
      await ds.initialize();
      try {
        return await fn(ds);
      } finally {
        await ds.destroy();
      }
    });
  } finally {
    await lockClient.end().catch(() => undefined);
  }
}

/**
 * Applies pending migrations. Concurrent callers (several processes starting at once) take turns
 * on an advisory lock, so every one of them succeeds and each migration runs once.
 */
export async function migrate(config: DatabaseConfig): Promise<MigrationOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withLockedDataSource(config, async (ds) => {
        const done = await ds.runMigrations({ transaction: 'all' });
        return { applied: done.map((m) => m.name) };
      });
    } catch (error) {
      if (attempt < 3 && CLASH_CODES.has(sqlStateOf(error) ?? '')) continue;
      throw mapDatabaseError(error, 'migration failed');
    }
  }
}

/** Reverts the most recent migration. Returns its name, or null when nothing was applied. */
export async function revertLastMigration(config: DatabaseConfig): Promise<string | null> {
  return await withLockedDataSource(config, async (ds) => {
    const before = await appliedNames(ds);
    if (before.length === 0) return null;
    await ds.undoLastMigration({ transaction: 'all' });
    return before[before.length - 1] ?? null;
  });
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
