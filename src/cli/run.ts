import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerDiscoverCommand } from './commands/discover.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerJobsCommands } from './commands/jobs.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerRankCommand } from './commands/rank.js';
import { registerRecommendationsCommands } from './commands/recommendations.js';
import { registerReportCommand } from './commands/report.js';
import { registerServeCommand } from './commands/serve.js';
import { registerPruneCommand } from './prune-command.js';
import { normalizeArgs } from './args.js';
import { packageVersion } from './version.js';
import { EXIT_USAGE, describeFailure, scrubSecrets } from './failure.js';
import type { CliIo } from './io.js';
import { printable } from './output.js';

const OVERVIEW = `
Database: DATABASE_URL (postgres://user:password@host:5432/db) or POSTGRES_HOST, POSTGRES_PORT,
POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD (defaults match docker-compose.yml). Add --embedded
to any command to use an embedded PostgreSQL kept under .dendrite/ instead (no server needed).

Examples:
  $ dendrite-history demo                         # 5,000 sample goals, jobs, report.html
  $ dendrite-history top-tools --embedded         # read what the demo recorded
  $ dendrite-history migrate                      # bring DATABASE_URL's schema up to date
  $ dendrite-history report --html report.html    # the dashboard, one self-contained file
  $ dendrite-history jobs start                   # the learning loop, until Ctrl-C

Exit codes: 0 done, 1 the command failed, 2 usage, configuration or connection problem.
`;

/** The whole command tree, writing through io. */
export function createProgram(io: CliIo): Command {
  const program = new Command()
    .name('dendrite-history')
    .description(
      'Execution history for AI agent orchestrators: goals, tool runs, ratings and generated tools in PostgreSQL.',
    )
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr })
    .exitOverride()
    // A group's options (recommendations --json) belong to the group only before its subcommand's
    // name; after it they are the subcommand's own, so `accept 8 --json` reaches `accept`.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', OVERVIEW);
  registerDemoCommand(program, io);
  registerMigrateCommand(program, io);
  registerHistoryCommands(program, io);
  registerRankCommand(program, io);
  registerDiscoverCommand(program, io);
  registerRecommendationsCommands(program, io);
  registerJobsCommands(program, io);
  registerReportCommand(program, io);
  registerPruneCommand(program, io);
  registerServeCommand(program, io);
  return program;
}

function secretsIn(io: CliIo): string[] {
  const secrets: string[] = [];
  const password = io.env.POSTGRES_PASSWORD;
  if (password) secrets.push(password);
  for (const name of ['DATABASE_URL', 'POSTGRES_READ_URL'] as const) {
    const url = io.env[name];
    if (!url) continue;
    try {
      const parsed = new URL(url).password;
      if (parsed) secrets.push(decodeURIComponent(parsed), parsed);
    } catch {
      // An unparsable URL is reported by the config loader; its masking covers it.
    }
  }
  return secrets;
}

/**
 * The same io with every line made safe for a terminal (stored names can hold escape codes). What
 * goes to stderr is also scrubbed of passwords: commander's own messages quote the arguments
 * given (`argument 'postgres://app:pw@db' is invalid`), and a password pasted into the wrong
 * place must not be echoed.
 */
function terminalSafe(io: CliIo): CliIo {
  const secrets = secretsIn(io);
  const scrubbed = (text: string): string => printable(scrubSecrets(text, secrets));
  return {
    ...io,
    out: (text) => io.out(printable(text)),
    err: (text) => io.err(scrubbed(text)),
    writeOut: (text) => io.writeOut(printable(text)),
    writeErr: (text) => io.writeErr(scrubbed(text)),
  };
}

/** Runs one command line (without the node and script names). Resolves to the exit code. */
export async function runCli(args: readonly string[], rawIo: CliIo): Promise<number> {
  const io = terminalSafe(rawIo);
  const program = createProgram(io);
  try {
    await program.parseAsync(normalizeArgs(program, args), { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (usage, unknown option, help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    const failure = describeFailure(error);
    io.err(`dendrite-history: ${failure.message}`);
    return failure.exitCode;
  }
}
