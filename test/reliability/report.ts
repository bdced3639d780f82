// `npm run reliability`: every reliability scenario at full size, one line of figures each; exits
// non-zero when any figure is off. Uses DATABASE_URL's server when set, else an embedded one.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/index.js';
import { formatResult, type ScenarioResult } from './scenarios/common.js';
import { folderDeleted, poisonRun } from './scenarios/adversary-loss.js';
import { crashAndReplay } from './scenarios/crash.js';
import { manyInstances } from './scenarios/instances.js';
import { longRun } from './scenarios/long-run.js';
import { connectionResets, statementTimeouts } from './scenarios/network.js';
import { latencyProblems, outageUnderLoad } from './scenarios/outage.js';
import {
  closeDuringOutage,
  damagedFile,
  diskFull,
  pidReuse,
  poisonLine,
} from './scenarios/spool-faults.js';

const quick = process.argv.includes('--quick');

async function main(): Promise<number> {
  const password = `rel-${randomBytes(9).toString('hex')}`;
  let server: EmbeddedServer | undefined;
  let root: string | undefined;
  let base = process.env.DATABASE_URL;
  if (base === undefined) {
    root = await mkdtemp(path.join(tmpdir(), 'dendrite-reliability-'));
    server = await startEmbeddedPostgres({
      dataDir: path.join(root, 'data'),
      persistent: false,
      password,
    });
    base = server.url;
  }
  const secret = decodeURIComponent(new URL(base).password);
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const freshDatabase = async (name: string): Promise<string> => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const migrated = async (name: string): Promise<string> => {
    const url = await freshDatabase(name);
    const { ExecutionStore } = await import('../../src/index.js');
    await (await ExecutionStore.open({ connectionString: url })).close();
    return url;
  };

  const output: string[] = [];
  const print = (line: string): void => {
    output.push(line);
    console.log(line);
  };
  const results: ScenarioResult[] = [];
  const run = async (
    scenario: () => Promise<ScenarioResult>,
    extra?: (r: ScenarioResult) => string[],
  ): Promise<void> => {
    const result = await scenario();
    if (extra) result.problems.push(...extra(result));
    results.push(result);
    print(formatResult(result));
  };
  try {
    await run(
      () =>
        outageUnderLoad({ durationMs: quick ? 8_000 : 20_000, outageMs: quick ? 2_000 : 5_000 }),
      latencyProblems,
    );
    await run(async () =>
      crashAndReplay({
        url: await migrated('rel_crash_batched'),
        durability: 'batched',
        runMs: 3_000,
      }),
    );
    await run(async () =>
      crashAndReplay({ url: await migrated('rel_crash_sync'), durability: 'sync', runMs: 3_000 }),
    );
    await run(async () =>
      connectionResets({ url: await migrated('rel_resets'), durationMs: quick ? 2_000 : 5_000 }),
    );
    await run(async () =>
      statementTimeouts({ url: await migrated('rel_timeouts'), lockMs: 1_500 }),
    );
    await run(async () =>
      manyInstances({ url: await freshDatabase('rel_instances'), runMs: quick ? 4_000 : 8_000 }),
    );
    await run(async () =>
      longRun({
        url: await migrated('rel_long'),
        executions: quick ? 100_000 : 1_000_000,
        rssLimitMb: 256,
      }),
    );
    const spoolUrl = await migrated('rel_spool');
    await run(() => closeDuringOutage({ url: spoolUrl, runs: quick ? 200 : 1_000 }));
    await run(() => pidReuse({ url: spoolUrl, runs: quick ? 500 : 5_000 }));
    await run(() => poisonLine({ url: spoolUrl, runs: quick ? 500 : 5_000 }));
    await run(() => damagedFile({ url: spoolUrl, runs: quick ? 500 : 5_000 }));
    await run(() => diskFull({ url: spoolUrl, runs: quick ? 500 : 2_000 }));
    await run(() => folderDeleted({ url: spoolUrl, runs: quick ? 2_000 : 20_000, rounds: 5 }));
    await run(async () =>
      poisonRun({ url: await migrated('rel_poison'), runs: quick ? 500 : 5_000 }),
    );
    // Secrets: the CLI's answer to a wrong password, and every line printed above.
    const wrong = new URL(base);
    wrong.password = `${secret}-wrong`;
    const cli = spawnSync(process.execPath, [path.resolve('dist/src/cli/main.js'), 'stats'], {
      env: { ...process.env, DATABASE_URL: wrong.toString() },
      encoding: 'utf8',
    });
    const captured = [...output, cli.stdout, cli.stderr].join('\n');
    const secrets: ScenarioResult = {
      name: 'secrets',
      figures: { cli_exit: cli.status ?? -1, lines_searched: captured.split('\n').length },
      problems: [],
    };
    if (captured.includes(secret))
      secrets.problems.push('the database password appeared in output');
    if (cli.status !== 2)
      secrets.problems.push(`the CLI exited ${cli.status} on a wrong password (want 2)`);
    results.push(secrets);
    print(formatResult(secrets));
  } finally {
    await server?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  }
  const failed = results.filter((r) => r.problems.length > 0).length;
  console.log(`${results.length - failed} scenarios passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`reliability: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
