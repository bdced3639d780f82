// The built command line as its own process: output never cut, a closed pipe, options anywhere,
// escapes in stored names, range errors. Needs `npm run build` (the suite runs after it).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../src/cli/failure.js';
import { ConnectionError, type ExecutionStore } from '../src/index.js';
import { CLI_BIN, cliProcess } from './helpers/cli.js';
import { openTestStore } from './helpers/db.js';

const DAY = 86_400_000;
const ESC_TOOL = 'evil\u001b[2J\u001b]0;pwned\u0007_tool';
const ESC_GOAL = 'clear the screen \u001b[2J\u009b31m and \u202eeverse';

let url: string;
let env: Record<string, string>;
let executions = 0;

async function seed(store: ExecutionStore): Promise<void> {
  const now = Date.now();
  // Enough goals that `recent --json` is several times a pipe's 64 KiB buffer.
  const filler = 'x'.repeat(400);
  for (let i = 0; i < 300; i++) {
    const success = i % 4 === 0;
    const createdAt = new Date(now - (i % 5) * DAY - 60_000);
    const executionId = await store.storeExecution({
      goalText: i === 0 ? ESC_GOAL : `goal ${i} ${filler}`,
      intent: i % 2 === 0 ? 'files' : 'search',
      success,
      durationMs: 100 + i,
      createdAt,
    });
    await store.storeToolExecution({
      executionId,
      toolName: i === 0 ? ESC_TOOL : 'pdf_extractor_tool',
      success,
      durationMs: 10 + i,
      createdAt,
    });
    executions++;
  }
  await store.updateStatistics();
}

let store: ExecutionStore;

beforeAll(async () => {
  const opened = await openTestStore();
  store = opened.store;
  url = opened.url;
  env = { DATABASE_URL: url };
  await seed(opened.store);
  // Rated today: one goal from yesterday, one from 20 days ago (outside a 7-day report).
  for (const [daysAgo, rating] of [
    [1, 5],
    [20, 1],
  ] as const) {
    const executionId = await store.storeExecution({
      goalText: `rated goal from ${daysAgo} days ago`,
      intent: 'files',
      success: true,
      createdAt: new Date(Date.now() - daysAgo * DAY),
    });
    await store.storeFeedback({ executionId, rating });
  }
});

describe('the command line as a process', { timeout: 120_000 }, () => {
  it('prints its version (14.9)', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cliProcess([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(pkg.version);
    }
  });

  it('hands every byte to a slow reader before exiting (14.2)', async () => {
    const run = await cliProcess(['recent', '--limit', '5000', '--json'], {
      env,
      onSpawn: (child) => {
        // Take nothing for a while: the pipe fills and the rest waits in the child.
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 1_500);
      },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Buffer.byteLength(run.stdout)).toBeGreaterThan(4 * 65_536);
    const parsed = JSON.parse(run.stdout) as unknown[];
    expect(parsed).toHaveLength(executions + 2);
  });

  it('ends quietly when the reader has closed the pipe (14.3)', async () => {
    // `| true` has gone before the CLI (slower to start) writes a byte: every write meets EPIPE.
    for (const args of ['recent --limit 300 --json', 'report | head -3']) {
      const shell = `"${process.execPath}" "${CLI_BIN}" ${args}${args.includes('|') ? '' : ' | true'}; exit \${PIPESTATUS[0]}`;
      const child = spawn('bash', ['-c', shell], {
        env: { PATH: process.env.PATH, DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr, args).toBe('');
      expect(code, args).toBe(0);
    }
  });

  it("gives a group's options to its subcommands wherever they are written (14.1)", async () => {
    const weekly = await cliProcess(['jobs', 'run', 'weekly-tool-lifecycle', '--json'], { env });
    expect(weekly.code).toBe(0);
    expect(() => JSON.parse(weekly.stdout)).not.toThrow();
    const open = JSON.parse(
      (await cliProcess(['recommendations', '--json'], { env })).stdout,
    ) as Array<{ id: number; toolName: string }>;
    const ids = open.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    // After the subcommand: its own --json.
    const accepted = await cliProcess(['recommendations', 'accept', String(ids[0]), '--json'], {
      env,
    });
    expect(accepted.stderr).toBe('');
    expect(JSON.parse(accepted.stdout)).toMatchObject({ id: ids[0], status: 'accepted' });
    // Before it: the group's --json, meant for the subcommand all the same.
    const again = await cliProcess(['recommendations', '--json', 'dismiss', String(ids[0])], {
      env,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already accepted');
    const listed = await cliProcess(
      ['recommendations', '--status', 'accepted', '--json', '--limit', '5'],
      { env },
    );
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: ids[0] })]);
    const history = await cliProcess(['jobs', 'history', '--limit', '1', '--json'], { env });
    expect(JSON.parse(history.stdout)).toHaveLength(1);
  });

  it('escapes control characters from stored names in every text output (10.21)', async () => {
    for (const args of [
      ['recent', '--limit', '300'],
      ['top-tools', '--min-executions', '0'],
      ['report'],
      ['rank', ESC_TOOL, 'pdf_extractor_tool'],
    ]) {
      const run = await cliProcess(args, { env });
      expect(run.code, args.join(' ')).toBe(0);
      const all = run.stdout + run.stderr;
      expect(all).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
      if (args[0] !== 'report') expect(all).toContain('evil\\u001b[2J');
    }
    const recent = await cliProcess(['recent', '--limit', '300'], { env });
    expect(recent.stdout).toContain('clear the screen \\u001b[2J');
    // JSON stays JSON, with the same values.
    const json = await cliProcess(['recent', '--limit', '300', '--json'], { env });
    const rows = JSON.parse(json.stdout) as Array<{ goalText: string }>;
    expect(rows.map((r) => r.goalText)).toContain(ESC_GOAL);
    expect(json.stdout).not.toMatch(/[\u001b\u009b\u202e]/);
  });

  it('names the valid range of --older-than, exit 2 (10.24)', async () => {
    for (const span of ['3000000d', '999999999d']) {
      const run = await cliProcess(['prune', '--older-than', span, '--dry-run'], { env });
      expect(run.code, span).toBe(2);
      expect(run.stderr).toMatch(/from 1 day to [\d,]+ days/);
      expect(run.stderr).not.toContain('at least 1 day');
      expect(run.stderr).not.toMatch(/22008|out of range/);
    }
    const longest = Number(
      /\((\d+)d;/.exec(
        (await cliProcess(['prune', '--older-than', '3000000d'], { env })).stderr,
      )![1],
    );
    const edge = await cliProcess(['prune', '--older-than', `${longest - 1}d`, '--dry-run'], {
      env,
    });
    expect(edge.stderr).toBe('');
    expect(edge.code).toBe(0);
    expect(edge.stdout).toContain('nothing to prune');
  });

  it('says an intent is unknown, and what "no outcome" means (14.16)', async () => {
    const nope = await cliProcess(['success-rate', '--intent', 'nope'], { env });
    expect(nope.code).toBe(1);
    expect(nope.stderr).toContain('unknown intent "nope"');
    expect(nope.stderr).toContain('files, search');
    const files = await cliProcess(['success-rate', '--intent', 'files'], { env });
    expect(files.code).toBe(0);
    expect(files.stdout).toContain('intent files');
    const empty = await cliProcess(
      ['success-rate', '--since', '2000-01-01T00:00Z', '--intent', 'files'],
      { env },
    );
    expect(empty.stdout).not.toContain('rated');
  });
});

describe('report and recommendations wording (14.16)', () => {
  it('counts ratings in the window of the execution they rate', async () => {
    const week = JSON.parse(
      (await cliProcess(['report', '--days', '7', '--json'], { env })).stdout,
    );
    expect(week.totals.ratings).toBe(1);
    expect(week.totals.averageRating).toBe(5);
    expect(week.ratings.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(1);
    const month = JSON.parse(
      (await cliProcess(['report', '--days', '30', '--json'], { env })).stdout,
    );
    expect(month.totals.ratings).toBe(2);
  });

  it('heads low performers with the threshold actually used', async () => {
    const before = await cliProcess(['report'], { env });
    expect(before.stdout).toContain('interval below 50%; the daily job has not run yet');
    expect((await cliProcess(['jobs', 'run', 'daily-low-performers'], { env })).code).toBe(0);
    const after = await cliProcess(['report'], { env });
    expect(after.stdout).toContain(
      'Low performers (daily-low-performers job: whole 95% interval below 50%)',
    );
    expect(after.stdout).not.toContain('60%');
  });

  it('lists every status, expired included, when one is wrong', async () => {
    await expect(store.listRecommendations({ status: 'nope' as 'open' })).rejects.toThrow(
      /open, accepted, dismissed or expired/,
    );
  });
});

describe('hints that fit where the user is (14.9)', () => {
  const failure = (host: string, port: number, composeFits: boolean): string =>
    describeFailure(new ConnectionError('refused'), {
      host,
      port,
      user: 'u',
      database: 'd',
      embedded: false,
      composeFits,
    }).message;

  it('offers docker compose only for its localhost:5432 in a clone', async () => {
    expect(failure('localhost', 5432, true)).toContain('docker compose up -d');
    expect(failure('db.internal', 5432, false)).not.toContain('docker');
    // An npm user (no docker-compose.yml at hand) pointing at the default.
    const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-npm-user-'));
    const run = await cliProcess(['stats'], {
      cwd: dir,
      env: { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: '5432', POSTGRES_PASSWORD: 'x' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('docker');
    expect(run.stderr).toContain('--embedded');
  });

  it('publishes docker-compose PostgreSQL on loopback only', async () => {
    const compose = await readFile('docker-compose.yml', 'utf8');
    const ports = [...compose.matchAll(/^\s*-\s*'?([^'\n]*:5432)'?\s*$/gm)].map((m) => m[1]);
    expect(ports).toEqual(['127.0.0.1:5432:5432']);
  });
});
