import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { configFromUrl } from '../src/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL to a maintenance database on the test server (to create per-file databases). */
    pgAdminUrl: string;
    /** A migrated database that per-file databases are cloned from. */
    pgTemplate: string;
    /** How the server was provided: env, testcontainers or embedded. */
    pgSource: string;
    /** The test server's password: no test output may ever contain it. */
    pgPassword: string;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function tryTestcontainers(): Promise<
  { url: string; stop: () => Promise<void> } | undefined
> {
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
  } catch {
    return undefined;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  let baseUrl: string;
  let source: string;
  if (process.env.DATABASE_URL) {
    baseUrl = process.env.DATABASE_URL;
    source = 'env';
  } else {
    const container = process.env.DENDRITE_TEST_NO_DOCKER ? undefined : await tryTestcontainers();
    if (container !== undefined) {
      baseUrl = container.url;
      source = 'testcontainers';
      cleanups.push(container.stop);
    } else {
      const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-test-pg-'));
      const server = await startEmbeddedPostgres({
        dataDir: path.join(dir, 'data'),
        password: `pw-${randomBytes(9).toString('hex')}`,
        persistent: false,
        // A throwaway cluster: durability settings off for speed, room for parallel test files.
        serverFlags: [
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=400',
        ],
      });
      baseUrl = server.url;
      source = 'embedded';
      cleanups.push(async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      });
    }
  }
  const adminUrl = withDatabase(baseUrl, 'postgres');
  const template = `dendrite_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  await migrate(configFromUrl(withDatabase(baseUrl, template)));
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgSource', source);
  project.provide('pgPassword', decodeURIComponent(new URL(baseUrl).password));
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect().catch(() => undefined);
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await c.end().catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}
