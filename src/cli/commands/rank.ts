import type { Command } from 'commander';
import { withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { addDatabaseOptions, addJsonOption, examples, wholeNumber } from '../options.js';
import { millis, percent, printJson, printTable } from '../output.js';

/** `rank <tool...>`: orders candidate tools by what has worked (Wilson lower bound with a prior). */
export function registerRankCommand(program: Command, io: CliIo): void {
  const command = program
    .command('rank <tools...>')
    .description(
      'order candidate tools by a smoothed success estimate (unknown tools by the prior)',
    )
    .option('--limit <n>', 'how many to return', wholeNumber(1, 1000), 5);
  addJsonOption(addDatabaseOptions(command));
  examples(command, [
    'dendrite-history rank web_search_tool news_search_tool wiki_lookup_tool',
    'dendrite-history rank calculator_tool prime_checker_tool --limit 1 --json',
  ]);
  command.action(
    async (tools: string[], opts: DatabaseChoice & { limit: number; json?: boolean }) => {
      await withStore(io, opts, async (store) => {
        const ranked = await store.rankTools(tools, { limit: opts.limit });
        if (opts.json) return printJson(io, ranked);
        printTable(
          io,
          [
            { header: '#', align: 'right' },
            { header: 'tool' },
            { header: 'score', align: 'right' },
            { header: 'runs', align: 'right' },
            { header: 'success', align: 'right' },
            { header: 'avg', align: 'right' },
            { header: 'p95', align: 'right' },
            { header: 'known' },
          ],
          ranked.map((r) => [
            r.rank,
            r.toolName,
            r.score.toFixed(3),
            r.totalExecutions,
            percent(r.successRate),
            millis(r.avgDurationMs),
            millis(r.p95DurationMs),
            r.known ? 'yes' : 'no (prior only)',
          ]),
        );
      });
    },
  );
}
