import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { buildReport, renderReportHtml } from '../../index.js';
import { runDemo } from '../../demo/run-demo.js';
import { DEFAULT_EMBEDDED_DIR, withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { examples, wholeNumber } from '../options.js';
import { startProgress } from '../progress.js';
import { printReport } from '../report-text.js';
import { writeDashboard } from './report.js';
import { serveAndWait } from './serve.js';

interface DemoCommandOptions extends DatabaseChoice {
  goals: number;
  seed?: number;
  html: string;
  fresh?: boolean;
  serve?: boolean;
}

/** `demo`: the whole story in one command, on an embedded PostgreSQL unless told otherwise. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  const command = program
    .command('demo')
    .description(
      'record sample goals through the middleware, run the learning loop once, print the report, write report.html',
    )
    .option('--goals <n>', 'how many sample goals', wholeNumber(1, 1_000_000), 5_000)
    .option(
      '--seed <n>',
      'seed of the random choices (same seed, same story; default: a new one each run)',
      wholeNumber(0, 2 ** 32 - 1),
    )
    .option('--html <file>', 'where to write the dashboard', 'report.html')
    .option('--fresh', 'start from an empty embedded database (deletes <dir>/pg first)')
    .option(
      '--embedded [dir]',
      `embedded PostgreSQL kept in <dir>/pg, persistent between runs`,
      DEFAULT_EMBEDDED_DIR,
    )
    .option('--no-embedded', 'use DATABASE_URL / POSTGRES_* instead (migrated if behind)')
    .option('--no-serve', 'on a terminal, exit after the report instead of serving the web UI');
  examples(command, [
    'npm start                                   # = dendrite-history demo',
    'dendrite-history demo --goals 20000 --fresh',
    'DATABASE_URL=postgres://… dendrite-history demo --no-embedded',
  ]);
  command.action(async (opts: DemoCommandOptions) => {
    const wall = performance.now();
    await withStore(
      io,
      opts,
      async (store, target) => {
        io.out(
          target.server === undefined
            ? `database: ${store.describe()}`
            : `embedded PostgreSQL on 127.0.0.1:${target.server.port} · data in ${path.relative(io.cwd, target.dataDir ?? '') || '.'} (kept between runs; --fresh to start over)`,
        );
        const seed = opts.seed ?? randomInt(2 ** 31);
        io.out(`seed ${seed} (--seed ${seed} tells the same story again)`);
        const progress = startProgress(io, 'goals', opts.goals);
        const result = await runDemo(store, {
          goals: opts.goals,
          seed,
          ...(target.dataDir === undefined
            ? {}
            : { spoolDir: path.join(path.dirname(target.dataDir), 'spool') }),
          onProgress: (done) => progress.update(done),
          onPhase: (phase) => {
            if (phase === 'writing') progress.stop();
          },
        });
        const t = result.timings;
        io.out(
          `${result.goals.toLocaleString('en')} goals (${result.toolRuns.toLocaleString('en')} tool runs) through the middleware in ${(t.goalsMs / 1000).toFixed(1)} s, written in ${(t.writeMs / 1000).toFixed(1)} s · ${result.feedback} ratings · ${result.generatedToolEvents} tool-creation events · 3 jobs in ${(t.jobsMs / 1000).toFixed(1)} s`,
        );
        const model = await buildReport(store, { days: 30 });
        io.out('');
        printReport(io, model);
        const written = await writeDashboard(io, opts.html, renderReportHtml(model));
        const seconds = (performance.now() - wall) / 1000;
        io.out('');
        io.out(
          `dashboard: ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB, opens offline) · demo took ${seconds.toFixed(1)} s (${Math.round(result.goals / (t.totalMs / 1000)).toLocaleString('en')} goals/s end to end)`,
        );
        const flag =
          target.server === undefined
            ? ''
            : opts.embedded === DEFAULT_EMBEDDED_DIR ||
                opts.embedded === true ||
                opts.embedded === ''
              ? ' --embedded'
              : ` --embedded ${String(opts.embedded)}`;
        // npx finds the command both in a clone (node_modules/.bin) and after an npm install,
        // where a bare `dendrite-history` is not on PATH.
        io.out(
          `next: npx dendrite-history top-tools${flag} · npx dendrite-history recommendations${flag} · npx dendrite-history report${flag} --html report.html`,
        );
        // On a terminal the demo goes on as the web UI; without one (CI, pipes) it ends here.
        if (io.tty !== undefined && opts.serve !== false)
          await serveAndWait(io, store, { port: 4680, host: '127.0.0.1', anyPortIfBusy: true });
      },
      { migrate: true },
    );
  });
}
