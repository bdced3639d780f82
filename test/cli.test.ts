import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import type { ExecutionStore } from '../src/index.js';
import { cli } from './helpers/cli.js';
import { createTestDatabase, openTestStore } from './helpers/db.js';

const DAY = 86_400_000;
const password = inject('pgPassword');

function withPassword(url: string, secret: string): string {
  const u = new URL(url);
  u.password = secret;
  return u.toString();
}

async function seed(store: ExecutionStore): Promise<void> {
  const now = Date.now();
  const plan = [
    { tool: 'calculator_tool', intent: 'calculation', runs: 30, failEvery: 0 },
    { tool: 'pdf_extractor_tool', intent: 'files', runs: 24, failEvery: 1 },
  ];
  for (const { tool, intent, runs, failEvery } of plan)
    for (let i = 0; i < runs; i++) {
      // pdf_extractor: 1 success in 4.
      const success = failEvery === 0 || i % 4 === 0;
      const createdAt = new Date(now - (i % 5) * DAY - 60_000);
      const executionId = await store.storeExecution({
        goalText: `goal ${i} for ${tool}`,
        intent,
        success,
        durationMs: 100 + i,
        createdAt,
      });
      await store.storeToolExecution({
        executionId,
        toolName: tool,
        success,
        durationMs: 10 + i,
        createdAt,
      });
    }
  await store.updateStatistics();
}

describe('dendrite-history command line', () => {
  let url: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const opened = await openTestStore();
    url = opened.url;
    env = { DATABASE_URL: url };
    await seed(opened.store);
  });

  it('prints help with examples, and exits 0', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const name of [
      'demo',
      'migrate',
      'stats',
      'top-tools',
      'recent',
      'success-rate',
      'rank',
      'recommendations',
      'jobs',
      'report',
    ])
      expect(top.stdout).toContain(name);
    expect(top.stdout).toContain('Examples:');
    const sub = await cli(['top-tools', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('dendrite-history top-tools --limit 5');
    expect(sub.stdout).toContain('--json');
  });

  it('exits 2 on usage errors', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
    const bad = await cli(['top-tools', '--limit', 'lots'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a whole number');
    const job = await cli(['jobs', 'run', 'nightly-magic'], { env });
    expect(job.code).toBe(2);
    expect(job.stderr).toContain('hourly-statistics');
    const since = await cli(['success-rate', '--since', 'last tuesday'], { env });
    expect(since.code).toBe(2);
  });

  it('names host and port and what to do when no server answers', async () => {
    const port = await freePort();
    const run = await cli(['stats'], {
      env: {
        POSTGRES_HOST: '127.0.0.1',
        POSTGRES_PORT: String(port),
        POSTGRES_PASSWORD: 'hunter2-secret',
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    // Not docker-compose's port: `docker compose up -d` would not start this server.
    expect(run.stderr).not.toContain('docker compose');
    expect(run.stderr).toContain('--embedded');
    expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
  });

  it('says the password was rejected without printing it', async () => {
    const wrong = 'definitely-not-it-4711';
    const run = await cli(['top-tools'], { env: { DATABASE_URL: withPassword(url, wrong) } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/password rejected for user "[^"]+"/);
    expect(run.stderr).toContain('POSTGRES_PASSWORD');
    expect(run.stderr + run.stdout).not.toContain(wrong);
    expect(run.stderr + run.stdout).not.toContain(password);
  });

  it('tells which command brings a database behind the migrations up to date', async () => {
    const empty = await createTestDatabase({ empty: true });
    const emptyEnv = { DATABASE_URL: empty };
    const behind = await cli(['recent'], { env: emptyEnv });
    expect(behind.code).toBe(2);
    expect(behind.stderr).toContain('dendrite-history migrate');
    const migrated = await cli(['migrate'], { env: emptyEnv });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/applied \d+ migration/);
    expect((await cli(['migrate'], { env: emptyEnv })).stdout).toContain('is up to date');
    expect((await cli(['recent', '--json'], { env: emptyEnv })).stdout.trim()).toBe('[]');
    const reverted = await cli(['migrate', '--revert'], { env: emptyEnv });
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toContain('reverted');
    expect((await cli(['recent'], { env: emptyEnv })).code).toBe(2);
    expect((await cli(['migrate'], { env: emptyEnv })).code).toBe(0);
  });

  it('reads statistics as tables and as JSON', async () => {
    const all = await cli(['stats', '--json'], { env });
    expect(all.code).toBe(0);
    const stats = JSON.parse(all.stdout) as Array<{ toolName: string; totalExecutions: number }>;
    expect(stats.map((s) => [s.toolName, s.totalExecutions])).toEqual([
      ['calculator_tool', 30],
      ['pdf_extractor_tool', 24],
    ]);
    const one = await cli(['stats', 'pdf_extractor_tool'], { env });
    expect(one.stdout).toMatch(/pdf_extractor_tool\s+24\s+6\s+18\s+25\.0%/);
    const missing = await cli(['stats', 'no_such_tool'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no statistics for tool "no_such_tool"');

    const top = await cli(['top-tools', '--limit', '1'], { env });
    expect(top.stdout).toContain('calculator_tool');
    expect(top.stdout).not.toContain('pdf_extractor_tool');

    const recent = JSON.parse((await cli(['recent', '--limit', '3', '--json'], { env })).stdout);
    expect(recent).toHaveLength(3);
    expect(recent[0].toolRuns).toHaveLength(1);

    const rate = JSON.parse((await cli(['success-rate', '--json'], { env })).stdout);
    expect(rate.successRate).toBeCloseTo(36 / 54, 6);
    expect(rate.byIntent).toEqual([
      { intent: 'calculation', executions: 30, successRate: 1 },
      { intent: 'files', executions: 24, successRate: 0.25 },
    ]);
    const files = await cli(['success-rate', '--intent', 'files', '--since', '30d'], { env });
    expect(files.stdout).toContain('success rate (intent files, since');
    expect(files.stdout).toContain('25.0%');
  });

  it('ranks candidates, runs jobs, and settles recommendations', async () => {
    const ranked = JSON.parse(
      (
        await cli(['rank', 'pdf_extractor_tool', 'calculator_tool', 'brand_new_tool', '--json'], {
          env,
        })
      ).stdout,
    ) as Array<{ toolName: string; known: boolean }>;
    expect(ranked[0]!.toolName).toBe('calculator_tool');
    expect(ranked.find((r) => r.toolName === 'brand_new_tool')!.known).toBe(false);

    const weekly = await cli(['jobs', 'run', 'weekly-tool-lifecycle'], { env });
    expect(weekly.code).toBe(0);
    expect(weekly.stdout).toContain('weekly-tool-lifecycle finished');
    expect(weekly.stdout).toMatch(/pdf_extractor_tool\s+deprecate/);

    const open = JSON.parse((await cli(['recommendations', '--json'], { env })).stdout) as Array<{
      id: number;
      toolName: string;
      action: string;
    }>;
    const deprecate = open.find(
      (r) => r.toolName === 'pdf_extractor_tool' && r.action === 'deprecate',
    );
    expect(deprecate).toBeDefined();
    const accepted = await cli(['recommendations', 'accept', String(deprecate!.id)], { env });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(`#${deprecate!.id} (deprecate pdf_extractor_tool) accepted`);
    const again = await cli(['recommendations', 'dismiss', String(deprecate!.id)], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already accepted');
    const unknown = await cli(['recommendations', 'accept', '987654'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('987654');
    const listed = await cli(['recommendations', '--status', 'accepted'], { env });
    expect(listed.stdout).toContain('pdf_extractor_tool');

    const history = JSON.parse(
      (await cli(['jobs', 'history', '--json'], { env })).stdout,
    ) as Array<{
      jobName: string;
      status: string;
    }>;
    expect(history[0]).toMatchObject({ jobName: 'weekly-tool-lifecycle', status: 'succeeded' });
    expect((await cli(['jobs', 'history'], { env })).stdout).toContain('manual');
  });

  it('writes the report as text, JSON and one self-contained HTML file', async () => {
    const text = await cli(['report'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Top tools');
    expect(text.stdout).toContain('Success rate per intent');
    const json = JSON.parse((await cli(['report', '--json', '--days', '7'], { env })).stdout);
    expect(json.window.days).toBe(7);
    expect(json.tools.map((t: { toolName: string }) => t.toolName)).toContain('calculator_tool');
    const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-cli-'));
    const html = await cli(['report', '--html', 'dash.html'], { env, cwd: dir });
    expect(html.code).toBe(0);
    const page = await readFile(path.join(dir, 'dash.html'), 'utf8');
    expect(page).toContain('<canvas id="chart-success"');
    expect(page).toContain('Chart.js v4');
  });

  it('runs the learning loop until asked to stop, then stops cleanly', async () => {
    let stop: (signal: string) => void = () => undefined;
    const shutdown = new Promise<string>((resolve) => (stop = resolve));
    const running = cli(['jobs', 'start'], { env, shutdown });
    stop('SIGINT');
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('weekly-tool-lifecycle');
    expect(run.stdout).toContain('SIGINT: stopping');
    expect(run.stdout).toMatch(/stopped \(\d+ succeeded/);
  });

  const bin = path.resolve('dist/src/cli/main.js');
  it.skipIf(!existsSync(bin))(
    'as a process: exits 0 on SIGTERM after stopping the loop',
    async () => {
      const child = spawn(process.execPath, [bin, 'jobs', 'start'], {
        env: { PATH: process.env.PATH, DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Ctrl-C')) resolve();
        });
        child.on('exit', () => reject(new Error(`exited early: ${stdout} ${stderr}`)));
      });
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('SIGTERM: stopping');
      expect(stdout).toContain('stopped');
    },
  );
});

describe('progress', () => {
  it('prints a plain line every tenth of the way when not on a terminal, the last one at 100%', async () => {
    const { startProgress } = await import('../src/cli/progress.js');
    const lines: string[] = [];
    const io = {
      out: () => undefined,
      err: (text: string) => void lines.push(text),
      writeOut: () => undefined,
      writeErr: () => undefined,
      tty: undefined,
      env: {},
      cwd: process.cwd(),
      waitForShutdown: () => Promise.resolve('SIGTERM'),
    };
    const progress = startProgress(io, 'goals', 1_003);
    for (let done = 1; done <= 1_003; done++) progress.update(done);
    progress.update(1_003);
    progress.stop();
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^goals: 101\/1003 \(10%\)/);
    expect(lines.at(-1)).toMatch(/^goals: 1003\/1003 \(100%\)/);
  });
});
