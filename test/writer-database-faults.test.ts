// Faults of the database as a whole (not of a row): a failover leaving a read-only server, a role
// that lost its INSERT privilege. The writer must keep those rows (retry, then spool at close) and
// write them once the database is right again, never set them aside as refused rows.
import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, createRunRecorder, isRetryable, type HistoryError } from '../src/index.js';
import { adminUrl, createTestDatabase } from './helpers/db.js';

let url: string;
let database: string;
let admin: pg.Client;
let root: string;

beforeAll(async () => {
  url = await createTestDatabase();
  database = new URL(url).pathname.slice(1);
  admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-db-faults-'));
});
afterAll(async () => {
  await admin?.end();
  await rm(root, { recursive: true, force: true });
});

/** Ends every session on the test database, so the next connections see a changed setting. */
async function dropSessions(): Promise<void> {
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
}

async function countOf(goal: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM executions WHERE goal_text = $1',
      [goal],
    );
    return r.rows[0]!.n;
  } finally {
    await c.end();
  }
}

describe('database-wide faults', () => {
  it('read-only after a failover: rows are retried and written once it is writable, none refused', async () => {
    const store = await ExecutionStore.open({ connectionString: url, migrate: false });
    const spoolDir = path.join(root, 'read-only');
    const recorder = createRunRecorder({ store, spoolDir, retryBaseMs: 20, retryMaxMs: 100 });
    const errors: HistoryError[] = [];
    recorder.on('error', (e) => errors.push(e as HistoryError));
    try {
      await admin.query(`ALTER DATABASE ${database} SET default_transaction_read_only = on`);
      await dropSessions();
      for (let i = 0; i < 20; i++) {
        recorder.startRun({ runId: `ro-${i}`, goalText: 'during read-only' });
        recorder.startTool({ runId: `ro-${i}`, callId: 'c', toolName: 'probe' });
        recorder.endTool({ runId: `ro-${i}`, callId: 'c', result: i });
        recorder.endRun({ runId: `ro-${i}`, success: true });
      }
      const during = await recorder.flush({ timeoutMs: 800 });
      expect(during.complete).toBe(false);
      expect(recorder.stats().rejected).toBe(0);
      expect(errors.some((e) => e.code === 'REJECTED')).toBe(false);
    } finally {
      await admin.query(`ALTER DATABASE ${database} RESET default_transaction_read_only`);
      await dropSessions();
    }
    expect((await recorder.flush({ timeoutMs: 15_000 })).complete).toBe(true);
    await recorder.close();
    await store.close();
    expect(await countOf('during read-only')).toBe(20);
    expect(recorder.stats().rejected).toBe(0);
    expect(await readdir(spoolDir).catch(() => [])).not.toContain('rejected.jsonl');
  });

  it('a statement timeout shorter than a batch takes: the batch goes in halves, every run written', async () => {
    // Each tool row costs 3 ms here, so a batch of 40 runs takes 360 ms and one run about 9 ms.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`CREATE FUNCTION slow_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.003); RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER slow_row BEFORE INSERT ON tool_executions
      FOR EACH ROW WHEN (NEW.tool_name = 'slow_probe') EXECUTE FUNCTION slow_row()`);
    await db.query(`ALTER DATABASE ${database} SET statement_timeout = '150ms'`);
    await db.end();
    await dropSessions();
    const store = await ExecutionStore.open({ connectionString: url, migrate: false });
    const recorder = createRunRecorder({
      store,
      spoolDir: path.join(root, 'timeout'),
      batchSize: 200,
      retryBaseMs: 10,
      retryMaxMs: 50,
    });
    const errors: HistoryError[] = [];
    recorder.on('error', (e) => errors.push(e as HistoryError));
    try {
      for (let i = 0; i < 40; i++) {
        recorder.startRun({ runId: `slow-${i}`, goalText: 'slow batch' });
        for (let k = 0; k < 3; k++) {
          recorder.startTool({ runId: `slow-${i}`, callId: `c${k}`, toolName: 'slow_probe' });
          recorder.endTool({ runId: `slow-${i}`, callId: `c${k}`, result: k });
        }
        recorder.endRun({ runId: `slow-${i}`, success: true });
      }
      expect((await recorder.flush({ timeoutMs: 20_000 })).complete).toBe(true);
    } finally {
      await recorder.close();
      await store.close();
      await admin.query(`ALTER DATABASE ${database} RESET statement_timeout`);
      await dropSessions();
    }
    expect(await countOf('slow batch')).toBe(40);
    expect(recorder.stats().rejected).toBe(0);
    expect(errors.some((e) => e.code !== 'REJECTED')).toBe(true); // the timeouts were reported
  });

  it('a login revoked mid-run (credentials rotated): rows wait, and are written once it is back', async () => {
    const role = `dendrite_w_${database.slice(-8)}`;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'w-secret'`);
    await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
    await c.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await c.end();
    const as = new URL(url);
    as.username = role;
    as.password = 'w-secret';
    const store = await ExecutionStore.open({ connectionString: as.toString(), migrate: false });
    const recorder = createRunRecorder({
      store,
      spoolDir: path.join(root, 'login'),
      retryBaseMs: 20,
      retryMaxMs: 100,
    });
    const errors: HistoryError[] = [];
    recorder.on('error', (e) => errors.push(e as HistoryError));
    try {
      await admin.query(`ALTER ROLE ${role} NOLOGIN`);
      await dropSessions();
      for (let i = 0; i < 10; i++) {
        recorder.startRun({ runId: `login-${i}`, goalText: 'login revoked' });
        recorder.endRun({ runId: `login-${i}`, success: true });
      }
      expect((await recorder.flush({ timeoutMs: 800 })).complete).toBe(false);
      expect(recorder.stats().rejected).toBe(0);
    } finally {
      await admin.query(`ALTER ROLE ${role} LOGIN`);
    }
    expect((await recorder.flush({ timeoutMs: 15_000 })).complete).toBe(true);
    await recorder.close();
    await store.close();
    await dropSessions();
    await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    expect(await countOf('login revoked')).toBe(10);
    expect(errors.some((e) => e.code === 'REJECTED')).toBe(false);
  });

  it('classifies database-wide states as retryable and row faults as not', () => {
    const state = (code: string) => Object.assign(new Error(code), { code });
    for (const code of [
      '25006',
      '28000',
      '28P01',
      '53100',
      '53200',
      '53300',
      '58030',
      '42501',
      '42P01',
      '3D000',
    ])
      expect([code, isRetryable(state(code))]).toEqual([code, true]);
    for (const code of ['22P02', '22021', '23505', '23503', '22008', '54000'])
      expect([code, isRetryable(state(code))]).toEqual([code, false]);
  });
});

describe('a connection the server ends while it is checked out', () => {
  it('never throws in the host: every pooled client has an error listener for its lifetime', async () => {
    const { poolOf } = await import('../src/store/internal.js');
    const store = await ExecutionStore.open({ connectionString: url, migrate: false });
    try {
      const client = await poolOf(store).connect();
      // Checked out, the pool's own idle listener is gone; ours stays.
      expect(client.listenerCount('error')).toBeGreaterThan(0);
      const pid = (await client.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // The server's FATAL message arrives as an 'error' event: with no listener the test run
      // would report an uncaught exception here.
      await new Promise((r) => setTimeout(r, 200));
      await expect(client.query('SELECT 1')).rejects.toBeInstanceOf(Error);
      client.release(true);
      expect(await store.getRecentExecutions({ limit: 1 })).toBeInstanceOf(Array);
    } finally {
      await store.close();
    }
  });
});
