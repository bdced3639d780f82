import { InvalidArgumentError, type Command } from 'commander';
import { ValidationError } from '../errors.js';
import { pruneHistory, type PruneResult } from '../retention/prune.js';
import { retentionCutoff } from '../retention/period.js';
import { withStore, type DatabaseChoice } from './database.js';
import type { CliIo } from './io.js';
import { addDatabaseOptions, addJsonOption, examples, wholeNumber } from './options.js';
import { printJson, timestamp } from './output.js';
import { startProgress } from './progress.js';

interface PruneCliOptions extends DatabaseChoice {
  olderThan: string;
  feedbackOlderThan?: string;
  dryRun?: boolean;
  batchSize?: number;
  json?: boolean;
}

const DAY_MS = 86_400_000;
const SPAN_DAYS: Record<string, number> = { h: 1 / 24, d: 1, w: 7 };
// PostgreSQL's timestamps begin on 24 November 4714 BC (Gregorian): a cutoff before it is refused
// by the server (22008), so the longest span is what reaches back to the day after it.
const POSTGRES_FIRST_DAY_MS = Date.UTC(-4713, 10, 25);

/** The longest span (whole days) whose cutoff PostgreSQL can still represent. */
export function longestSpanDays(now: Date = new Date()): number {
  return Math.floor((now.getTime() - POSTGRES_FIRST_DAY_MS) / DAY_MS);
}

/** A commander parser that checks a retention span (30d, 36h, 2w, at least a day) up front. */
function span(field: string): (raw: string) => string {
  return (raw) => {
    const match = /^(\d+)\s*([hdw]?)$/i.exec(raw.trim());
    const days =
      match === null ? undefined : Number(match[1]) * SPAN_DAYS[match[2]!.toLowerCase() || 'd']!;
    const longest = longestSpanDays();
    if (days !== undefined && days > longest)
      throw new InvalidArgumentError(
        `the span must be from 1 day to ${longest.toLocaleString('en')} days (${longest}d; PostgreSQL's dates begin in 4714 BC), got "${raw}"`,
      );
    try {
      retentionCutoff(/^\d+$/.test(raw.trim()) ? Number(raw) : raw, field);
      return raw;
    } catch (error) {
      if (error instanceof ValidationError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

const period = (raw: string | undefined): number | string | undefined =>
  raw === undefined ? undefined : /^\d+$/.test(raw.trim()) ? Number(raw) : raw;

function describePlan(io: CliIo, result: PruneResult): void {
  const { planned } = result;
  if (planned.executions === 0) {
    io.out(`nothing to prune: no execution is older than ${timestamp(result.cutoff)}`);
    return;
  }
  io.out(
    `${result.dryRun ? 'would delete' : 'deleting'} ${planned.executions} executions, ` +
      `${planned.toolExecutions} tool runs and ${planned.feedback} ratings ` +
      `created ${timestamp(planned.oldest)} .. ${timestamp(planned.newest)}`,
  );
  if (result.feedbackCutoff.getTime() !== result.cutoff.getTime())
    io.out(
      `rated executions are kept until they are older than ${timestamp(result.feedbackCutoff)}`,
    );
}

/**
 * `prune --older-than 30d [--feedback-older-than 180d] [--dry-run]`: shows what would go, then
 * deletes it in short batches with a progress bar. Ctrl-C stops between batches.
 */
export function registerPruneCommand(program: Command, io: CliIo): void {
  const prune = program
    .command('prune')
    .description(
      'delete old executions with their tool runs and ratings (tool statistics keep counting them)',
    )
    .requiredOption(
      '--older-than <span>',
      'delete executions older than this: 30d, 36h, 2w (at least 1 day)',
      span('olderThan'),
    )
    .option(
      '--feedback-older-than <span>',
      'keep rated executions until older than this (default: --older-than)',
      span('feedbackOlderThan'),
    )
    .option('--dry-run', 'only show what would be deleted')
    .option('--batch-size <n>', 'executions deleted per statement', wholeNumber(1, 100_000), 1000);
  addJsonOption(addDatabaseOptions(prune));
  examples(prune, [
    'dendrite-history prune --older-than 30d --dry-run',
    'dendrite-history prune --older-than 30d --feedback-older-than 180d',
  ]);
  prune.action(async (opts: PruneCliOptions) => {
    await withStore(io, opts, async (store) => {
      const olderThan = period(opts.olderThan)!;
      const feedbackOlderThan = period(opts.feedbackOlderThan);
      const common = {
        olderThan,
        ...(feedbackOlderThan === undefined ? {} : { feedbackOlderThan }),
      };
      const plan = await pruneHistory(store, { ...common, dryRun: true });
      if (!opts.json || opts.dryRun) {
        if (opts.json) return printJson(io, plan);
        describePlan(io, plan);
      }
      if (opts.dryRun || plan.planned.executions === 0) return;

      const controller = new AbortController();
      void io.waitForShutdown().then(() => controller.abort());
      const progress = opts.json
        ? undefined
        : startProgress(io, 'pruning', Math.max(plan.planned.executions, 1));
      let result: PruneResult;
      try {
        result = await pruneHistory(store, {
          ...common,
          batchSize: opts.batchSize ?? 1000,
          signal: controller.signal,
          onProgress: (p) => progress?.update(Math.min(p.done, plan.planned.executions)),
        });
      } finally {
        progress?.stop();
      }
      if (opts.json) return printJson(io, result);
      io.out(
        `${result.aborted ? 'stopped after deleting' : 'deleted'} ${result.executions} executions, ` +
          `${result.toolExecutions} tool runs and ${result.feedback} ratings in ${result.batches} batch${result.batches === 1 ? '' : 'es'}`,
      );
    });
  });
}
