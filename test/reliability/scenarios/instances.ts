import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecutionStore } from '../../../src/index.js';
import { ensureBuilt } from './crash.js';
import { expectFigure, storedCounts, type ScenarioResult } from './common.js';
import { poolOf } from '../../../src/store/internal.js';

const CHILD = path.resolve('dist/test/reliability/fixtures/instance-child.js');

interface ChildReport {
  name: string;
  runIds: string[];
  toolEnds: number;
  finished: string[];
  spooledRows: number;
}

function runChild(
  url: string,
  name: string,
  spoolDir: string,
  runMs: number,
): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, name, spoolDir, String(runMs)], {
      env: { ...process.env, DENDRITE_INSTANCE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${name} exited ${code}: ${err.trim()}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildReport);
    });
  });
}

/**
 * Three processes start at once on an empty database (all migrate), run the learning loop with
 * second-level schedules and log through the middleware. Each fire must run once, in one process,
 * and statistics must equal a full recompute afterwards.
 */
export async function manyInstances(options: {
  url: string;
  runMs: number;
  instances?: number;
}): Promise<ScenarioResult> {
  ensureBuilt(CHILD);
  const root = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-instances-'));
  try {
    const n = options.instances ?? 3;
    const reports = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        runChild(options.url, `instance-${i}`, path.join(root, `spool-${i}`), options.runMs),
      ),
    );
    const store = await ExecutionStore.open({ connectionString: options.url, migrate: false });
    try {
      const problems: string[] = [];
      const runIds = reports.flatMap((r) => r.runIds);
      const toolEnds = reports.reduce((s, r) => s + r.toolEnds, 0);
      const stored = await storedCounts(poolOf(store), runIds);
      expectFigure(
        problems,
        stored.executions === runIds.length,
        `stored ${stored.executions} of ${runIds.length} executions`,
      );
      expectFigure(
        problems,
        stored.toolRuns === toolEnds,
        `stored ${stored.toolRuns} of ${toolEnds} tool runs`,
      );

      const fires = await poolOf(store).query<{
        job_name: string;
        fire_time: Date;
        n: number;
        status: string;
      }>(
        `SELECT job_name, fire_time, count(*)::int AS n, min(status) AS status
           FROM job_runs WHERE trigger = 'scheduled' GROUP BY job_name, fire_time`,
      );
      const doubled = fires.rows.filter((r) => r.n > 1).length;
      const notOk = fires.rows.filter((r) => r.status !== 'succeeded').length;
      const ranInProcesses = reports.flatMap((r) => r.finished);
      const distinctRuns = new Set(ranInProcesses).size;
      expectFigure(problems, fires.rows.length > 0, 'no scheduled fire was recorded');
      expectFigure(problems, doubled === 0, `${doubled} fires recorded more than once`);
      expectFigure(
        problems,
        distinctRuns === ranInProcesses.length,
        `${ranInProcesses.length - distinctRuns} fires ran in two processes`,
      );
      expectFigure(
        problems,
        ranInProcesses.length === fires.rows.length - notOk,
        `${fires.rows.length} fires recorded, ${ranInProcesses.length} finished in the processes`,
      );
      if (notOk > 0) {
        const failed = await poolOf(store).query<{
          job_name: string;
          status: string;
          error: string;
        }>(
          `SELECT job_name, status, error::text AS error FROM job_runs
            WHERE trigger = 'scheduled' AND status <> 'succeeded' LIMIT 3`,
        );
        const why = failed.rows.map((r) => `${r.job_name} ${r.status}: ${r.error}`).join('; ');
        expectFigure(problems, false, `${notOk} fires not succeeded (${why})`);
      }
      // Every second of the run has its hourly-statistics fire: none missed by all three.
      const seconds = fires.rows
        .filter((r) => r.job_name === 'hourly-statistics')
        .map((r) => r.fire_time.getTime() / 1000);
      const span = seconds.length === 0 ? 0 : Math.max(...seconds) - Math.min(...seconds) + 1;
      expectFigure(
        problems,
        seconds.length >= span - 1,
        `${span - seconds.length} of ${span} second fires missing`,
      );

      await store.updateStatistics();
      const mismatch = await poolOf(store).query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT tool_name, count(*) AS total, count(*) FILTER (WHERE success) AS ok FROM tool_executions GROUP BY tool_name
         ) f FULL JOIN tool_statistics s USING (tool_name)
         WHERE s.total_executions IS DISTINCT FROM f.total OR s.successful_executions IS DISTINCT FROM f.ok`,
      );
      expectFigure(
        problems,
        mismatch.rows[0]!.n === 0,
        `${mismatch.rows[0]!.n} tools whose statistics differ from a full recompute`,
      );
      const migrations = await poolOf(store).query<{ n: number; d: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM dendrite_migrations',
      );
      expectFigure(
        problems,
        migrations.rows[0]!.n === migrations.rows[0]!.d,
        'a migration was applied twice',
      );
      return {
        name: 'many-instances',
        figures: {
          instances: n,
          sent: runIds.length,
          stored: stored.executions,
          lost: runIds.length - stored.executions,
          fires: fires.rows.length,
          fires_doubled: doubled,
          statistics_mismatches: mismatch.rows[0]!.n,
        },
        problems,
      };
    } finally {
      await store.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
