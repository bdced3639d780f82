import { Command, CommanderError } from 'commander';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionStore } from '../src/index.js';
import { registerPruneCommand } from '../src/cli/prune-command.js';
import type { CliIo } from '../src/cli/io.js';
import { openTestStore } from './helpers/db.js';

const DAY = 86_400_000;
let store: ExecutionStore;
let url: string;

function cli(): { io: CliIo; out: string[]; err: string[]; program: Command } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    writeOut: (t) => void out.push(t),
    writeErr: (t) => void err.push(t),
    tty: undefined,
    env: { DATABASE_URL: url },
    cwd: process.cwd(),
    waitForShutdown: () => new Promise<string>(() => undefined),
  };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr });
  registerPruneCommand(program, io);
  return { io, out, err, program };
}

async function count(): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM executions')).rows[0]!
      .n;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  ({ store, url } = await openTestStore());
  for (const age of [45, 40, 35, 2]) {
    const createdAt = new Date(Date.now() - age * DAY);
    const executionId = await store.storeExecution({ goalText: 'g', success: true, createdAt });
    await store.storeToolExecution({ executionId, toolName: 'cli_tool', success: true, createdAt });
  }
});

describe('dendrite-history prune', () => {
  it('refuses a span under one day before touching the database', async () => {
    const { program, err } = cli();
    await expect(
      program.parseAsync(['prune', '--older-than', '12h'], { from: 'user' }),
    ).rejects.toBeInstanceOf(CommanderError);
    expect(err.join('')).toMatch(/at least 1 day/);
    expect(await count()).toBe(4);
  });

  it('--dry-run shows what would go and deletes nothing', async () => {
    const { program, out } = cli();
    await program.parseAsync(['prune', '--older-than', '30d', '--dry-run'], { from: 'user' });
    expect(out.join('\n')).toMatch(/would delete 3 executions, 3 tool runs and 0 ratings/);
    expect(await count()).toBe(4);
  });

  it('deletes in batches and reports progress', async () => {
    const { program, out, err } = cli();
    await program.parseAsync(['prune', '--older-than', '30d', '--batch-size', '1'], {
      from: 'user',
    });
    expect(out.join('\n')).toMatch(/deleted 3 executions, 3 tool runs and 0 ratings in 3 batches/);
    expect(err.join('\n')).toMatch(/pruning: 3\/3 \(100%\)/);
    expect(await count()).toBe(1);
  });
});
