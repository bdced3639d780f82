import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { executionsOf, openRowsFixture, toolsOf } from './helpers/middleware-rows.js';

const CHILD = path.resolve('dist/test/fixtures/middleware-open-run-child.js');

let url: string;
let db: pg.Pool;
let spoolDir: () => Promise<string>;

beforeAll(async () => {
  ({ url, db, spoolDir } = await openRowsFixture());
});

describe('SIGKILL during a long run (issue 10.5)', () => {
  it('loses at most the tool rows the run held, never the ones before', async () => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run \`npm run build\` first`);
    const tools = 3_000;
    const child = spawn(process.execPath, [CHILD, await spoolDir(), String(tools)], {
      env: { ...process.env, DENDRITE_CRASH_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const holding = new Promise<void>((resolve) =>
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line === 'holding') resolve();
      }),
    );
    await Promise.race([holding, exited]);
    expect(child.exitCode, stderr).toBeNull();
    child.kill('SIGKILL');
    await exited;

    const [execution] = await executionsOf(db, 'killed mid run');
    expect(execution).toMatchObject({ success: null, metadata: { _open: true } });
    const stored = (await toolsOf(db, execution.execution_id)).length;
    // Everything ended before the flush is in; of the 50 after it, at most batchSize (100).
    expect(stored).toBeGreaterThanOrEqual(tools);
    expect(stored).toBeLessThanOrEqual(tools + 50);
  });
});
