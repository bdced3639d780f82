import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { ExecutionStore } from '../../src/index.js';
import { openTestStore } from './db.js';

/** A store on a fresh database, a reader pool of its own, and temporary spool folders. */
export async function openRowsFixture(): Promise<{
  store: ExecutionStore;
  url: string;
  db: pg.Pool;
  spoolDir: () => Promise<string>;
}> {
  const { store, url } = await openTestStore();
  const db = new pg.Pool({ connectionString: url, max: 2 });
  const root = await mkdtemp(path.join(tmpdir(), 'dendrite-rows-'));
  afterAll(async () => {
    await db.end();
    await rm(root, { recursive: true, force: true });
  });
  return { store, url, db, spoolDir: () => mkdtemp(path.join(root, 's-')) };
}

export async function executionsOf(db: pg.Pool, goalText: string) {
  return (
    await db.query('SELECT * FROM executions WHERE goal_text = $1 ORDER BY created_at', [goalText])
  ).rows;
}

export async function toolsOf(db: pg.Pool, executionId: string) {
  return (
    await db.query('SELECT * FROM tool_executions WHERE execution_id = $1 ORDER BY id', [
      executionId,
    ])
  ).rows;
}
