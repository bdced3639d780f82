import type { Command } from 'commander';
import {
  successRateByIntent,
  type ExecutionStore,
  type ToolStatisticsRecord,
} from '../../index.js';
import { withStore, type DatabaseChoice } from '../database.js';
import { CliFailure, EXIT_FAILURE } from '../failure.js';
import type { CliIo } from '../io.js';
import {
  addDatabaseOptions,
  addJsonOption,
  examples,
  parseSince,
  wholeNumber,
} from '../options.js';
import { millis, percent, printJson, printTable, timestamp, truncate } from '../output.js';

interface ReadOptions extends DatabaseChoice {
  json?: boolean;
}

/** p50/p95 of the recent window the hourly job keeps in `metadata.durationWindow`, if any. */
function windowLatency(stats: ToolStatisticsRecord, key: 'p50Ms' | 'p95Ms'): number | null {
  const metadata = stats.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return null;
  const window = metadata.durationWindow;
  if (typeof window !== 'object' || window === null || Array.isArray(window)) return null;
  const value = window[key];
  return typeof value === 'number' ? value : null;
}

function statsRow(s: ToolStatisticsRecord): (string | number)[] {
  return [
    s.toolName,
    s.totalExecutions,
    s.successfulExecutions,
    s.failedExecutions,
    percent(s.successRate),
    millis(s.avgDurationMs),
    millis(windowLatency(s, 'p50Ms')),
    millis(windowLatency(s, 'p95Ms')),
    timestamp(s.lastUsed),
  ];
}

const STATS_COLUMNS = [
  { header: 'tool' },
  { header: 'runs', align: 'right' },
  { header: 'ok', align: 'right' },
  { header: 'failed', align: 'right' },
  { header: 'success', align: 'right' },
  { header: 'avg', align: 'right' },
  { header: 'p50 24h', align: 'right' },
  { header: 'p95 24h', align: 'right' },
  { header: 'last used' },
] as const;

async function allStatistics(store: ExecutionStore): Promise<ToolStatisticsRecord[]> {
  return await store.getTopTools({ limit: 10_000, minExecutions: 0 });
}

/** `stats [tool]`, `top-tools`, `recent`, `success-rate`: read-only views of the history. */
export function registerHistoryCommands(program: Command, io: CliIo): void {
  const stats = program
    .command('stats [tool]')
    .description('per-tool statistics (from tool_statistics, as of its last refresh)')
    .option('--refresh', 'refresh tool_statistics first');
  addJsonOption(addDatabaseOptions(stats));
  examples(stats, [
    'dendrite-history stats',
    'dendrite-history stats prime_checker_tool --json',
    'dendrite-history stats --refresh --embedded',
  ]);
  stats.action(async (tool: string | undefined, opts: ReadOptions & { refresh?: boolean }) => {
    await withStore(io, opts, async (store) => {
      if (opts.refresh) await store.updateStatistics();
      if (tool === undefined) {
        const all = await allStatistics(store);
        if (opts.json) return printJson(io, all);
        printTable(io, STATS_COLUMNS, all.map(statsRow));
        return;
      }
      const one = await store.getToolStatistics(tool);
      if (one === null)
        throw new CliFailure(
          `no statistics for tool "${tool}". Names are exact; \`npx dendrite-history stats\` lists them (add --refresh if it ran recently).`,
          EXIT_FAILURE,
        );
      if (opts.json) return printJson(io, one);
      printTable(io, STATS_COLUMNS, [statsRow(one)]);
    });
  });

  const top = program
    .command('top-tools')
    .description(
      'tools ranked by raw success rate, then volume (report and rank use the Wilson lower bound)',
    )
    .option('--limit <n>', 'how many tools', wholeNumber(1, 10_000), 20)
    .option('--min-executions <n>', 'ignore tools with fewer runs', wholeNumber(0, 1e12), 3);
  addJsonOption(addDatabaseOptions(top));
  examples(top, [
    'dendrite-history top-tools',
    'dendrite-history top-tools --limit 5 --min-executions 50 --json',
  ]);
  top.action(async (opts: ReadOptions & { limit: number; minExecutions: number }) => {
    await withStore(io, opts, async (store) => {
      const tools = await store.getTopTools({
        limit: opts.limit,
        minExecutions: opts.minExecutions,
      });
      if (opts.json) return printJson(io, tools);
      printTable(
        io,
        [{ header: '#', align: 'right' }, ...STATS_COLUMNS],
        tools.map((t, i) => [i + 1, ...statsRow(t)]),
      );
    });
  });

  const recent = program
    .command('recent')
    .description('the newest goal executions with their tool runs')
    .option('--limit <n>', 'how many executions', wholeNumber(1, 10_000), 20);
  addJsonOption(addDatabaseOptions(recent));
  examples(recent, ['dendrite-history recent', 'dendrite-history recent --limit 100 --json']);
  recent.action(async (opts: ReadOptions & { limit: number }) => {
    await withStore(io, opts, async (store) => {
      const executions = await store.getRecentExecutions({ limit: opts.limit });
      if (opts.json) return printJson(io, executions);
      printTable(
        io,
        [
          { header: 'when' },
          { header: 'intent' },
          { header: 'result' },
          { header: 'took', align: 'right' },
          { header: 'tools' },
          { header: 'goal' },
        ],
        executions.map((e) => [
          timestamp(e.createdAt),
          e.intent,
          e.success === null ? 'pending' : e.success ? 'ok' : 'FAILED',
          millis(e.durationMs),
          truncate(
            e.toolRuns.map((t) => (t.success ? t.toolName : `${t.toolName}!`)).join(', '),
            32,
          ),
          truncate(e.goalText, 48),
        ]),
      );
    });
  });

  const rate = program
    .command('success-rate')
    .description('share of goal executions that succeeded, overall and per intent')
    .option('--intent <intent>', 'only this intent')
    .option(
      '--since <when>',
      'only executions since an ISO date or a span back (24h, 7d, 2w)',
      (raw) => parseSince(raw),
    );
  addJsonOption(addDatabaseOptions(rate));
  examples(rate, [
    'dendrite-history success-rate',
    'dendrite-history success-rate --intent tool_use --since 7d',
    'dendrite-history success-rate --since 2026-01-01 --json',
  ]);
  rate.action(async (opts: ReadOptions & { intent?: string; since?: Date }) => {
    await withStore(io, opts, async (store) => {
      const filter = {
        ...(opts.intent === undefined ? {} : { intent: opts.intent }),
        ...(opts.since === undefined ? {} : { since: opts.since }),
      };
      if (opts.intent !== undefined) {
        const known = (await successRateByIntent(store)).map((r) => r.intent);
        if (!known.includes(opts.intent))
          throw new CliFailure(
            `unknown intent "${opts.intent}": no execution with an outcome has it${known.length === 0 ? '' : ` (intents: ${known.map((i) => i ?? '(none)').join(', ')})`}`,
            EXIT_FAILURE,
          );
      }
      const overall = await store.getSuccessRate(filter);
      const byIntent =
        opts.intent === undefined
          ? await successRateByIntent(store, opts.since === undefined ? {} : { since: opts.since })
          : [];
      if (opts.json)
        return printJson(io, {
          successRate: overall,
          intent: opts.intent ?? null,
          since: opts.since ?? null,
          byIntent,
        });
      const scope = [
        opts.intent === undefined ? 'all intents' : `intent ${opts.intent}`,
        opts.since === undefined ? 'all time' : `since ${timestamp(opts.since)}`,
      ].join(', ');
      io.out(
        `success rate (${scope}): ${overall === null ? 'no executions with an outcome yet' : percent(overall)}`,
      );
      if (byIntent.length > 0) {
        io.out('');
        printTable(
          io,
          [
            { header: 'intent' },
            { header: 'executions', align: 'right' },
            { header: 'success', align: 'right' },
          ],
          byIntent.map((r) => [r.intent ?? '(none)', r.executions, percent(r.successRate)]),
        );
      }
    });
  });
}
