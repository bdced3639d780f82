import { InvalidArgumentError, type Command } from 'commander';
import { builtInJobs, runJob, startLearningLoop } from '../../index.js';
import { withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { addDatabaseOptions, addJsonOption, examples, wholeNumber } from '../options.js';
import { millis, printJson, printTable, timestamp, truncate } from '../output.js';
import { printSummary } from '../summary-text.js';

const JOB_NAMES: readonly string[] = builtInJobs.map((job) => job.name);

function parseJobName(raw: string): string {
  if (!JOB_NAMES.includes(raw))
    throw new InvalidArgumentError(`expected one of ${JOB_NAMES.join(', ')}; got "${raw}"`);
  return raw;
}

function summaryLine(summary: unknown): string {
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return '';
  return Object.entries(summary)
    .filter(([, v]) => typeof v === 'number' || Array.isArray(v))
    .map(
      ([k, v]) =>
        `${k}=${Array.isArray(v) ? v.length : Number.isInteger(v) ? v : (v as number).toFixed(2)}`,
    )
    .join(' ');
}

/** `jobs run <job>`, `jobs start` (the long-running loop), `jobs history`. */
export function registerJobsCommands(program: Command, io: CliIo): void {
  const group = program
    .command('jobs')
    .description('the learning loop: run one job now, run the scheduler, or see what ran');
  examples(group, [
    'dendrite-history jobs run daily-low-performers',
    'dendrite-history jobs start',
    'dendrite-history jobs history --limit 20',
  ]);

  const run = group
    .command('run')
    .description('run one job now, on this process (recorded as a manual run)')
    .argument('<job>', JOB_NAMES.join(' | '), parseJobName);
  addJsonOption(addDatabaseOptions(run));
  examples(run, [
    'dendrite-history jobs run hourly-statistics',
    'dendrite-history jobs run weekly-tool-lifecycle --json',
  ]);
  run.action(async (job: string, opts: DatabaseChoice & { json?: boolean }) => {
    await withStore(io, opts, async (store) => {
      const started = Date.now();
      const summary = await runJob(store, job);
      if (opts.json) return printJson(io, summary);
      io.out(`${job} finished in ${millis(Date.now() - started)}`);
      printSummary(io, summary);
    });
  });

  const start = group
    .command('start')
    .description(
      'run the learning loop on its cron schedules until SIGINT/SIGTERM (exactly once across instances)',
    )
    .option('--timezone <zone>', 'IANA time zone of the schedules', 'UTC')
    .option(
      '--stop-timeout <ms>',
      'on stop, wait this long for runs in flight',
      wholeNumber(0, 3_600_000),
      30_000,
    );
  addDatabaseOptions(start);
  examples(start, [
    'dendrite-history jobs start',
    'DATABASE_URL=postgres://… dendrite-history jobs start --timezone Europe/Paris',
  ]);
  start.action(async (opts: DatabaseChoice & { timezone: string; stopTimeout: number }) => {
    await withStore(io, opts, async (store, target) => {
      // Listen for the signals before saying how to send them.
      const shutdown = io.waitForShutdown();
      const loop = startLearningLoop({ store, timezone: opts.timezone });
      loop.on('job:started', (info) => io.out(`${timestamp(new Date())} ${info.jobName} started`));
      loop.on('job:finished', (info) =>
        io.out(
          `${timestamp(new Date())} ${info.jobName} finished in ${millis(info.durationMs)} ${summaryLine(info.summary)}`,
        ),
      );
      loop.on('job:failed', (info) =>
        io.err(
          `${timestamp(new Date())} ${info.jobName} failed after ${millis(info.durationMs)}: ${info.error.message}`,
        ),
      );
      loop.on('job:skipped', (info) =>
        io.out(`${timestamp(new Date())} ${info.jobName} skipped (${info.reason})`),
      );
      loop.on('error', (error) =>
        io.err(`${timestamp(new Date())} learning loop: ${error.message}`),
      );
      io.out(
        `learning loop ${loop.instanceId} on ${store.describe()}${target.server === undefined ? '' : ' (embedded)'}:`,
      );
      for (const [name, cron] of loop.schedules)
        io.out(`  ${name.padEnd(22)} ${cron} (${opts.timezone})`);
      io.out('Ctrl-C (SIGINT) or SIGTERM stops it after the runs in flight finish.');
      const signal = await shutdown;
      io.out(`${signal}: stopping, waiting up to ${millis(opts.stopTimeout)} for runs in flight…`);
      await loop.stop({ timeoutMs: opts.stopTimeout });
      const stats = loop.stats();
      io.out(
        `stopped (${stats.succeeded} succeeded, ${stats.failed} failed, ${stats.skipped} skipped)`,
      );
    });
  });

  const history = group
    .command('history')
    .description('recent job runs, newest first: what ran where and how it ended')
    .option('--limit <n>', 'how many runs', wholeNumber(1, 10_000), 20)
    .option('--job <name>', 'only this job', parseJobName);
  addJsonOption(addDatabaseOptions(history));
  examples(history, [
    'dendrite-history jobs history',
    'dendrite-history jobs history --job weekly-tool-lifecycle --json',
  ]);
  history.action(async (opts: DatabaseChoice & { limit: number; job?: string; json?: boolean }) => {
    await withStore(io, opts, async (store) => {
      const runs = await store.listJobRuns({
        limit: opts.limit,
        ...(opts.job === undefined ? {} : { jobName: opts.job }),
      });
      if (opts.json) return printJson(io, runs);
      printTable(
        io,
        [
          { header: 'id', align: 'right' },
          { header: 'job' },
          { header: 'trigger' },
          { header: 'status' },
          { header: 'started' },
          { header: 'took', align: 'right' },
          { header: 'instance' },
          { header: 'summary / error' },
        ],
        runs.map((r) => [
          r.id,
          r.jobName,
          r.trigger,
          r.status,
          timestamp(r.startedAt),
          r.finishedAt === null ? null : millis(r.finishedAt.getTime() - r.startedAt.getTime()),
          truncate(r.instanceId, 24),
          truncate(r.error ?? summaryLine(r.summary), 60),
        ]),
      );
    });
  });
}
