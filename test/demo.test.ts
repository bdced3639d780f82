import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOOLS } from '../src/demo/catalogue.js';
import { planGoals } from '../src/demo/goals.js';
import { Random } from '../src/demo/random.js';
import { runDemo, type DemoResult } from '../src/demo/run-demo.js';
import { Orchestrator, type ExecutionStore } from '../src/index.js';
import { cli } from './helpers/cli.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DAY = 86_400_000;

describe('demo scenario', () => {
  it('routes every generated goal to the tools it was written for', () => {
    const orchestrator = new Orchestrator();
    for (const tool of DEMO_TOOLS)
      orchestrator.registerTool(tool.name, () => null, {
        keywords: [tool.keyword],
        intent: tool.intent,
      });
    const plan = planGoals(3_000, new Date(), new Random(7));
    for (const goal of plan) {
      const steps = goal.text.split(/\s+then\s+/);
      const picked = steps.map((step) => orchestrator.pickTool(step)?.name).filter(Boolean);
      expect(picked, goal.text).toEqual(goal.tools.map((t) => t.name));
    }
    expect(new Set(plan.flatMap((g) => g.tools.map((t) => t.name))).size).toBe(DEMO_TOOLS.length);
  });

  describe('against PostgreSQL', () => {
    const now = new Date();
    let store: ExecutionStore;
    let result: DemoResult;
    let spoolDir: string;

    beforeAll(async () => {
      ({ store } = await openTestStore());
      spoolDir = await mkdtemp(path.join(tmpdir(), 'dendrite-demo-spool-'));
      result = await runDemo(store, { goals: 1_500, seed: 3, now, spoolDir });
    });
    afterAll(async () => {
      await rm(spoolDir, { recursive: true, force: true });
    });

    it('records every goal and tool run through the middleware, over weeks of history', async () => {
      expect(result.goals).toBe(1_500);
      expect(result.history.written).toBe(result.goals + result.toolRuns);
      const counts = await poolOf(store).query<{
        executions: number;
        runs: number;
        oldest: Date;
        misaligned: number;
      }>(
        `SELECT (SELECT count(*) FROM executions) AS executions,
                        (SELECT count(*) FROM tool_executions) AS runs,
                        (SELECT min(created_at) FROM executions) AS oldest,
                        (SELECT count(*) FROM tool_executions te JOIN executions e USING (execution_id)
                          WHERE te.created_at < e.created_at
                             OR te.created_at > e.created_at + e.duration_ms * interval '1 millisecond') AS misaligned`,
      );
      const row = counts.rows[0]!;
      expect(row.executions).toBe(1_500);
      expect(row.runs).toBe(result.toolRuns);
      expect(row.misaligned).toBe(0);
      expect(now.getTime() - row.oldest.getTime()).toBeGreaterThan(35 * DAY);
      expect(result.feedback).toBeGreaterThan(200);
      expect(result.generatedToolEvents).toBe(8);
    });

    it('gives tools their own latencies and success rates', async () => {
      const slow = await store.getToolStatistics('test_runner_tool');
      const fast = await store.getToolStatistics('calculator_tool');
      expect(slow!.avgDurationMs!).toBeGreaterThan(50 * fast!.avgDurationMs!);
      expect(fast!.successRate!).toBeGreaterThan(0.95);
      expect((await store.getToolStatistics('ftp_uploader_tool'))!.successRate!).toBeLessThan(0.4);
    });

    it('gives the learning loop something true to say', () => {
      const low = (
        result.jobs['daily-low-performers'].lowPerformers as Array<{ toolName: string }>
      ).map((t) => t.toolName);
      expect(low).toContain('pdf_extractor_tool');
      const recommendations: string[] = (
        result.jobs['weekly-tool-lifecycle'].recommendations as Array<{
          toolName: string;
          action: string;
        }>
      ).map((r) => `${r.action} ${r.toolName}`);
      expect(recommendations).toEqual(
        expect.arrayContaining([
          'archive fax_sender_tool',
          'archive slugify_helper',
          'deprecate ftp_uploader_tool',
          'deprecate pdf_extractor_tool',
          'promote fibonacci_generator',
          'watch translator_tool',
        ]),
      );
      expect(recommendations.some((r) => r.endsWith(' calculator_tool'))).toBe(false);
    });
  });

  describe('as `dendrite-history demo`', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'dendrite-demo-cli-'));
      // As root, the embedded server runs as an unprivileged user: it must reach the folder.
      await chmod(dir, 0o755);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const goalsIn = async (): Promise<number> => {
      const run = await cli(['report', '--json', '--days', '60', '--embedded'], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { totals: { executions: number } }).totals.executions;
    };

    it('starts an embedded PostgreSQL, prints the report, writes report.html, and stops the server', async () => {
      const run = await cli(['demo', '--goals', '120'], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      for (const section of [
        'Top tools',
        'Low performers',
        'Lifecycle recommendations',
        'Success rate per intent',
      ])
        expect(run.stdout).toContain(section);
      expect(run.stdout).toMatch(/120 goals \(\d+ tool runs\) through the middleware/);
      const html = await readFile(path.join(dir, 'report.html'), 'utf8');
      expect(html).toContain('<canvas id="chart-timeline"');
      expect(existsSync(path.join(dir, '.dendrite', 'pg', 'PG_VERSION'))).toBe(true);
      expect(existsSync(path.join(dir, '.dendrite', 'pg', 'postmaster.pid'))).toBe(false);
    });

    it('keeps the first run’s data on a second run, and starts over with --fresh', async () => {
      expect(await goalsIn()).toBe(120);
      expect((await cli(['demo', '--goals', '80'], { cwd: dir })).code).toBe(0);
      expect(await goalsIn()).toBe(200);
      expect((await cli(['demo', '--goals', '50', '--fresh'], { cwd: dir })).code).toBe(0);
      expect(await goalsIn()).toBe(50);
    });

    it('refuses --fresh on a database it does not own', async () => {
      const run = await cli(['demo', '--no-embedded', '--fresh'], {
        cwd: dir,
        env: { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x' },
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--fresh only empties the embedded server');
    });
  });
});
