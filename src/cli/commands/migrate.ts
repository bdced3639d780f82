import type { Command } from 'commander';
import { describeConfig, migrate, revertLastMigration } from '../../index.js';
import { withTarget, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { addDatabaseOptions, examples } from '../options.js';

/** `migrate [--revert]`: brings the schema up to date, or takes the last migration back. */
export function registerMigrateCommand(program: Command, io: CliIo): void {
  const command = program
    .command('migrate')
    .description(
      'apply pending migrations (several processes at once take turns), or revert the last',
    )
    .option('--revert', 'revert the most recent migration (its down step drops what it added)');
  addDatabaseOptions(command);
  examples(command, [
    'dendrite-history migrate',
    'DATABASE_URL=postgres://dendrite:…@db:5432/dendrite dendrite-history migrate',
    'dendrite-history migrate --revert',
  ]);
  command.action(async (opts: DatabaseChoice & { revert?: boolean }) => {
    await withTarget(io, opts, async (target) => {
      const where = describeConfig(target.config);
      if (opts.revert) {
        const name = await revertLastMigration(target.config);
        io.out(name === null ? `${where}: nothing to revert` : `${where}: reverted ${name}`);
        return;
      }
      const { applied } = await migrate(target.config);
      io.out(
        applied.length === 0
          ? `${where} is up to date`
          : `${where}: applied ${applied.length} migration(s): ${applied.join(', ')}`,
      );
    });
  });
}
