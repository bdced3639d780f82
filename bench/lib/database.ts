import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/index.js';

export interface BenchDatabase {
  url: string;
  /** Where the database runs, without the password. */
  source: string;
  /** The embedded server's data folder (undefined on DATABASE_URL's server). */
  dataDir?: string;
  dispose(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A scratch database for a benchmark: on DATABASE_URL's server when set (created, dropped after),
 * else on an embedded PostgreSQL in a temporary folder with its default (durable) settings.
 */
export async function benchDatabase(label: string): Promise<BenchDatabase> {
  const name = `dendrite_bench_${label}_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return {
      url: withDatabase(process.env.DATABASE_URL, name),
      source: 'DATABASE_URL',
      async dispose() {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
        await c.end();
      },
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), `dendrite-bench-${label}-`));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: name });
  return {
    url: server.url,
    source: 'embedded PostgreSQL 16 (default settings)',
    dataDir: server.dataDir,
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
