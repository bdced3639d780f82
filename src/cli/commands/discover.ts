import type { Command } from 'commander';
import { withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { addDatabaseOptions, addJsonOption, examples, wholeNumber } from '../options.js';
import { printJson, printTable } from '../output.js';

/** `discover "<goal>"`: the registry's candidates for a goal, ranked, and the one chosen. */
export function registerDiscoverCommand(program: Command, io: CliIo): void {
  const command = program
    .command('discover <goal>')
    .description(
      'find registered tools for a goal: text search in PostgreSQL, then ranked by what has worked',
    )
    .option('--limit <n>', 'how many ranked candidates to choose from', wholeNumber(1, 100), 5)
    .option('--candidates <n>', 'how many candidates to retrieve', wholeNumber(1, 1000), 20)
    .option(
      '--window-days <n>',
      'judge tools on their runs of the last n days only (default: all history)',
      wholeNumber(1, 3650),
    )
    .option(
      '--explore',
      'optimism for little-tried tools (Wilson upper bound) and trial runs for new ones',
    );
  addJsonOption(addDatabaseOptions(command));
  examples(command, [
    'dendrite-history discover "Search the web for solid-state batteries"',
    'dendrite-history discover "calc" --json',
    'dendrite-history discover "summarize this report" --window-days 14 --explore',
  ]);
  command.action(
    async (
      goal: string,
      opts: DatabaseChoice & {
        limit: number;
        candidates: number;
        windowDays?: number;
        explore?: boolean;
        json?: boolean;
      },
    ) => {
      await withStore(io, opts, async (store) => {
        const result = await store.discoverTools(goal, {
          limit: opts.limit,
          candidates: opts.candidates,
          ...(opts.windowDays === undefined ? {} : { windowDays: opts.windowDays }),
          ...(opts.explore === true ? { explore: true } : {}),
        });
        if (opts.json) return printJson(io, result);
        io.out(
          result.chosen.length === 0
            ? 'no registered tool matches this goal'
            : `chosen: ${result.chosen.join(', ')}`,
        );
        if (!result.trigram)
          io.out('(pg_trgm is not installed: short queries use text search only)');
        printTable(
          io,
          [
            { header: '#', align: 'right' },
            { header: 'tool' },
            { header: 'status' },
            { header: 'relevance', align: 'right' },
            { header: 'wilson', align: 'right' },
            { header: 'why' },
          ],
          result.candidates.map((c) => [
            c.rank ?? '–',
            c.toolName,
            c.status,
            c.retrieval.score.toFixed(2),
            c.ranking === null ? '–' : c.ranking.wilson.toFixed(3),
            c.reason,
          ]),
        );
      });
    },
  );
}
