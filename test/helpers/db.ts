import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { ExecutionStore, type StoreOptions } from '../../src/index.js';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The test server's maintenance URL (for creating databases). */
export function adminUrl(): string {
  return inject('pgAdminUrl');
}

/**
 * A fresh database for this test file: a clone of the migrated template (or an empty one), dropped
 * after the file's tests.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<string> {
  const name = `dendrite_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const template = options.empty ? '' : ` TEMPLATE ${inject('pgTemplate')}`;
    // Cloning holds a lock on the template; parallel files may collide for a moment (55006).
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name}${template}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  afterAll(async () => {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await c.end();
  });
  return withDatabase(adminUrl(), name);
}

/** Opens a store on a fresh per-file database; closed after the file's tests. */
export async function openTestStore(
  options: StoreOptions = {},
): Promise<{ store: ExecutionStore; url: string }> {
  const url = await createTestDatabase();
  const store = await ExecutionStore.open({ connectionString: url, ...options });
  afterAll(async () => {
    await store.close();
  });
  return { store, url };
}
