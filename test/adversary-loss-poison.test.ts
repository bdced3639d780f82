// One run the server can never write within its statement timeout (a slow trigger, a huge row):
// it must not hold up the runs behind it, live or replayed, and must never be dropped (issue 10:
// "a statement refused for one row in a batch of many"). Real PostgreSQL: a trigger that sleeps
// for one goal text, a store with a statement timeout; never a time-based assertion.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, type HistoryError } from '../src/index.js';
import { portsOf } from '../src/schema/ports.js';
import { BatchWriter } from '../src/writer/batch-writer.js';
import { Spool } from '../src/writer/spool.js';
import { SpoolTarget, serverKey } from '../src/writer/spool-target.js';
import type { HistoryUnit } from '../src/writer/unit.js';
import { spoolUnit as unit } from './helpers/spool-units.js';
import { createTestDatabase } from './helpers/db.js';

const POISON = `poison ${randomUUID()}`;

let url: string;
let slow: ExecutionStore;
let db: pg.Pool;
let root: string;

beforeAll(async () => {
  url = await createTestDatabase();
  db = new pg.Pool({ connectionString: url, max: 1 });
  // Inserting the poison run sleeps far beyond the store's statement timeout; others are instant.
  await db.query(`CREATE FUNCTION poison_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN IF NEW.goal_text = '${POISON}' THEN PERFORM pg_sleep(600); END IF; RETURN NEW; END $$`);
  await db.query(`CREATE TRIGGER poison_sleep BEFORE INSERT ON executions
                  FOR EACH ROW EXECUTE FUNCTION poison_sleep()`);
  slow = await ExecutionStore.open({
    connectionString: url,
    migrate: false,
    statementTimeoutMs: 500,
  });
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-adv-poison-'));
});
afterAll(async () => {
  await slow?.close();
  await db?.end();
  await rm(root, { recursive: true, force: true });
});

let dirs = 0;
const newDir = () => path.join(root, `s${++dirs}`);

function poison(): HistoryUnit {
  const u = unit(0);
  u.execution.goalText = POISON;
  return u;
}

function newWriter(dir: string): { writer: BatchWriter; errors: HistoryError[] } {
  const writer = new BatchWriter({
    sink: portsOf(slow).sink,
    spool: new Spool(dir),
    batchSize: 8,
    flushIntervalMs: 5,
    maxQueueRows: 1_000,
    onOverflow: 'spool',
    retryBaseMs: 10,
    retryMaxMs: 50,
  });
  const errors: HistoryError[] = [];
  writer.on('error', (e) => errors.push(e as HistoryError));
  return { writer, errors };
}

async function storedExecutions(units: HistoryUnit[]): Promise<number> {
  const ids = units.map((u) => u.execution.executionId);
  const r = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
    [ids],
  );
  return r.rows[0]!.n;
}

describe('a run that always outlasts the statement timeout', () => {
  it('left in the spool by an earlier process: the rest of the file and every live run are written; it stays spooled', async () => {
    const dir = newDir();
    const spooled = [unit(1), poison(), unit(2), unit(0)];
    const left = new Spool(dir);
    const target = new SpoolTarget('cunused');
    target.confirm(serverKey(await portsOf(slow).sink.serverTarget()));
    left.setTarget(target);
    await left.appendBatch(spooled);
    await left.sealSpill();
    await left.release();

    const { writer, errors } = newWriter(dir);
    const live = Array.from({ length: 5 }, () => unit(1));
    for (const u of live) writer.enqueue(u);
    const flushed = await writer.flush({ timeoutMs: 30_000 });
    // Before: the replay retried the poison run forever and live batches waited behind it.
    expect(flushed.complete).toBe(true);
    expect(await storedExecutions(live)).toBe(5);
    expect(await storedExecutions(spooled.filter((u) => u.execution.goalText !== POISON))).toBe(3);
    expect(errors.filter((e) => e.code === 'SET_ASIDE')).toHaveLength(1);
    const closed = await writer.close({ timeoutMs: 1 });
    expect(closed.dropped).toBe(0);
    expect(closed.spooledRows).toBe(1); // the poison run, kept for a later replay
  });

  it('live: the runs around it are written and it is set aside in the spool, never dropped', async () => {
    const dir = newDir();
    const { writer, errors } = newWriter(dir);
    const live = [unit(1), unit(0), poison(), unit(2)];
    for (const u of live) writer.enqueue(u);
    const flushed = await writer.flush({ timeoutMs: 30_000 });
    expect(flushed.complete).toBe(true);
    expect(await storedExecutions(live.filter((u) => u.execution.goalText !== POISON))).toBe(3);
    // Set aside from the live batch, and again by the replay pass that follows it.
    expect(errors.some((e) => e.code === 'SET_ASIDE')).toBe(true);
    const closed = await writer.close({ timeoutMs: 1 });
    expect(closed.dropped).toBe(0);
    expect(closed.spooledRows).toBe(1);
  });
});
