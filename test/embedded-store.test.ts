import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionStore, ValidationError } from '../src/index.js';

describe('ExecutionStore.open({ embedded })', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('starts its own PostgreSQL, keeps the data in dataDir, and stops it on close', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-embedded-store-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'pg');
    const first = await ExecutionStore.open({ embedded: { dataDir } });
    const url = first.config;
    expect(url.host).toBe('127.0.0.1');
    const executionId = await first.storeExecution({ goalText: 'kept', success: true });
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);
    await first.close();
    // The server is gone with the store: its pid file removed, its port refusing.
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    const probe = new pg.Client({
      host: url.host,
      port: url.port,
      user: url.user,
      password: url.password,
      database: url.database,
      connectionTimeoutMillis: 2_000,
    });
    await expect(probe.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await using again = await ExecutionStore.open({ embedded: { dataDir } });
    const recent = await again.getRecentExecutions({ limit: 5 });
    expect(recent.map((e) => e.executionId)).toEqual([executionId]);
  });

  it('refuses an embedded option of the wrong shape before starting anything', async () => {
    await expect(
      ExecutionStore.open({ embedded: 'yes' as unknown as boolean }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(ExecutionStore.open({ embedded: { dataDir: ' ' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'embedded.dataDir',
    });
  });
});
