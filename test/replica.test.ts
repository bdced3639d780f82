// A real streaming replica: a second PostgreSQL started from the embedded binaries, seeded from a
// cold copy of the primary's folder. Proves that analytics reads go to it and writes never do.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, buildReport, newId, startEmbeddedPostgres } from '../src/index.js';
import type { EmbeddedServer } from '../src/index.js';
import { startStreamingReplica, type ReplicaServer } from './helpers/replica.js';
import { poolOf, internalsOf } from '../src/store/internal.js';

let dir: string;
let primary: EmbeddedServer;
let replica: ReplicaServer;
let store: ExecutionStore;

async function query<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function seedRun(toolName: string, success: boolean): Promise<string> {
  const executionId = await store.storeExecution({ goalText: `run ${toolName}`, success });
  await store.storeToolExecution({ executionId, toolName, success, durationMs: 10 });
  return executionId;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dendrite-replica-'));
  // The servers run as the `postgres` user when we are root: it must reach both folders.
  await chmod(dir, 0o755);
  primary = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'primary'),
    password: `pw-${randomBytes(9).toString('hex')}`,
    serverFlags: ['-c', 'wal_level=replica', '-c', 'max_wal_senders=4', '-c', 'fsync=off'],
  });
  replica = await startStreamingReplica({
    primary,
    dataDir: path.join(dir, 'replica'),
    serverFlags: ['-c', 'fsync=off'],
  });
  // Migrations run here, on the primary, and reach the replica through WAL.
  store = await ExecutionStore.open({ connectionString: primary.url, readUrl: replica.url });
  await seedRun('replicated-tool', true);
  await seedRun('replicated-tool', true);
  await store.updateStatistics();
  await replica.waitForReplay();
});

afterAll(async () => {
  await store?.close();
  await replica?.stop({ removeData: true });
  await primary?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('streaming read replica', () => {
  it('is a hot standby of the primary that refuses writes', async () => {
    const [onReplica] = await query<{ r: boolean }>(replica.url, 'SELECT pg_is_in_recovery() AS r');
    const [onPrimary] = await query<{ r: boolean }>(primary.url, 'SELECT pg_is_in_recovery() AS r');
    expect(onReplica?.r).toBe(true);
    expect(onPrimary?.r).toBe(false);
    const senders = await query<{ state: string }>(
      primary.url,
      `SELECT state FROM pg_stat_replication WHERE application_name = 'dendrite-replica'`,
    );
    expect(senders.map((s) => s.state)).toEqual(['streaming']);
    const refused = await query(
      replica.url,
      `INSERT INTO executions (execution_id, goal_text)
      VALUES (gen_random_uuid(), 'x')`,
    ).catch((error: { code?: string }) => error.code);
    expect(refused).toBe('25006'); // read_only_sql_transaction
  });

  it('receives the rows and the schema written through the store', async () => {
    const rows = await query<{ n: number }>(
      replica.url,
      `SELECT count(*)::int AS n FROM tool_executions WHERE tool_name = 'replicated-tool'`,
    );
    expect(rows[0]?.n).toBe(2);
    const stats = await store.getToolStatistics('replicated-tool');
    expect(stats?.totalExecutions).toBe(2);
  });

  it('sends analytics reads to the replica and writes to the primary', async () => {
    await query(replica.url, 'SELECT pg_wal_replay_pause()');
    try {
      for (;;) {
        const [state] = await query<{ s: string }>(
          replica.url,
          'SELECT pg_get_wal_replay_pause_state() AS s',
        );
        if (state?.s === 'paused') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Writes (and the statistics refresh) succeed, so they went to the primary: the replica
      // would refuse them with 25006.
      const hidden = await seedRun('primary-only-tool', false);
      await store.updateStatistics();
      const onPrimary = await query<{ n: number }>(
        primary.url,
        'SELECT count(*)::int AS n FROM executions WHERE execution_id = $1',
        [hidden],
      );
      expect(onPrimary[0]?.n).toBe(1);

      // Every analytics read answers from the paused replica: the new rows are not there yet.
      const recent = await store.getRecentExecutions({ limit: 100 });
      expect(recent.map((e) => e.executionId)).not.toContain(hidden);
      expect(recent).toHaveLength(2);
      expect(await store.getToolStatistics('primary-only-tool')).toBeNull();
      const top = await store.getTopTools({ minExecutions: 0 });
      expect(top.map((t) => t.toolName)).toEqual(['replicated-tool']);
      const view = await store.getToolPerformanceView();
      expect(view.map((t) => t.toolName)).toEqual(['replicated-tool']);
      expect(await store.getSuccessRate()).toBe(1);
      expect((await buildReport(store)).totals.executions).toBe(2);
      const ranked = await store.rankTools(['primary-only-tool', 'replicated-tool']);
      expect(ranked.find((r) => r.toolName === 'primary-only-tool')?.known).toBe(false);

      const readers = await query<{ n: number }>(
        replica.url,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dendrite-history:read'`,
      );
      expect(readers[0]?.n).toBeGreaterThan(0);
      const readersOnPrimary = await query<{ n: number }>(
        primary.url,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dendrite-history:read'`,
      );
      expect(readersOnPrimary[0]?.n).toBe(0);
    } finally {
      await query(replica.url, 'SELECT pg_wal_replay_resume()');
    }

    await replica.waitForReplay();
    expect((await store.getToolStatistics('primary-only-tool'))?.totalExecutions).toBe(1);
    expect(await store.getSuccessRate()).toBeCloseTo(2 / 3);
    const ranked = await store.rankTools(['primary-only-tool']);
    expect(ranked[0]).toMatchObject({ known: true, totalExecutions: 1 });
    expect((await store.getRecentExecutions({ limit: 100 })).length).toBe(3);
    expect((await buildReport(store)).totals.executions).toBe(3);
  });

  it('reads from the primary when no replica is configured', async () => {
    const direct = await ExecutionStore.open({ connectionString: primary.url, migrate: false });
    try {
      expect(internalsOf(direct).readPool).toBe(poolOf(direct));
      const id = newId();
      await direct.storeExecution({ executionId: id, goalText: 'direct', success: true });
      const recent = await direct.getRecentExecutions({ limit: 1 });
      expect(recent[0]?.executionId).toBe(id);
    } finally {
      await direct.close();
    }
  });
});
