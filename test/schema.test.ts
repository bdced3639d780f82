import { describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  ExecutionStore,
  SchemaBehindError,
  createDataSource,
  migrate,
  migrations,
  revertLastMigration,
} from '../src/index.js';
import { configFromUrl } from '../src/config.js';
import { createTestDatabase } from './helpers/db.js';

describe('schema and migrations', () => {
  it('entities and migrations agree: TypeORM finds nothing to change', async () => {
    // Migrated in place (not cloned): TypeORM's metadata rows name the database they were made in.
    const url = await createTestDatabase({ empty: true });
    await migrate(configFromUrl(url));
    const ds = createDataSource(configFromUrl(url));
    await ds.initialize();
    try {
      const diff = await ds.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('three processes migrating one empty database at once all succeed, each migration once', async () => {
    const url = await createTestDatabase({ empty: true });
    const config = configFromUrl(url);
    const outcomes = await Promise.all([migrate(config), migrate(config), migrate(config)]);
    const applied = outcomes.flatMap((o) => o.applied);
    expect(applied.sort()).toEqual(migrations.map((m) => m.name).sort());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query('SELECT name FROM dendrite_migrations ORDER BY id');
    await client.end();
    expect(rows.rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
  });

  it('every migration reverts cleanly and re-applies', async () => {
    const url = await createTestDatabase({ empty: true });
    const config = configFromUrl(url);
    await migrate(config);
    const reverted: string[] = [];
    for (
      let name = await revertLastMigration(config);
      name !== null;
      name = await revertLastMigration(config)
    )
      reverted.push(name);
    expect(reverted).toEqual(migrations.map((m) => m.name).reverse());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const tables = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('dendrite_migrations', 'typeorm_metadata')",
    );
    const meta = await client.query('SELECT count(*)::int AS n FROM typeorm_metadata');
    await client.end();
    expect(tables.rows).toEqual([]);
    expect(meta.rows[0].n).toBe(0);
    expect((await migrate(config)).applied).toHaveLength(migrations.length);
  });

  it('open({ migrate: false }) on a database behind the migrations says what to run', async () => {
    const url = await createTestDatabase({ empty: true });
    const error = await ExecutionStore.open({ connectionString: url, migrate: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchemaBehindError);
    expect((error as Error).message).toContain('dendrite-history migrate');
  });

  it('a wrong password is an AuthenticationError that does not print the password', async () => {
    const url = new URL(await createTestDatabase());
    url.password = 'definitely-wrong-secret';
    const error = await ExecutionStore.open({ connectionString: url.toString() }).catch(
      (e: unknown) => e,
    );
    expect((error as { code: string }).code).toBe('AUTHENTICATION');
    expect(String((error as Error).message)).not.toContain('definitely-wrong-secret');
  });

  it('an unreachable server is a ConnectionError naming host and port', async () => {
    const error = await ExecutionStore.open({
      connectionString: 'postgres://u:topsecret@127.0.0.1:1/db',
    }).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('CONNECTION');
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('topsecret');
  });
});
