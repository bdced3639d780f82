import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_EMBEDDED_DIR } from './database.js';

/** A commander parser for a whole number in [min, max]. */
export function wholeNumber(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
}

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `--since`: an ISO date/time, or a span back from now such as 30m, 24h, 7d, 2w. */
export function parseSince(raw: string, now: Date = new Date()): Date {
  const span = /^(\d+)\s*([mhdw])$/i.exec(raw.trim());
  if (span !== null)
    return new Date(now.getTime() - Number(span[1]) * UNIT_MS[span[2]!.toLowerCase()]!);
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(
      `expected an ISO date (2026-01-31, 2026-01-31T12:00Z) or a span like 24h, 7d, 2w; got "${raw}"`,
    );
  return date;
}

/** Adds `--embedded [dir]` (a local embedded PostgreSQL instead of DATABASE_URL / POSTGRES_*). */
export function addDatabaseOptions(command: Command): Command {
  return command.option(
    '--embedded [dir]',
    `use an embedded PostgreSQL kept in <dir>/pg (default dir: ${DEFAULT_EMBEDDED_DIR}) instead of DATABASE_URL / POSTGRES_*`,
  );
}

/** Adds `--json` to a read command. */
export function addJsonOption(command: Command): Command {
  return command.option('--json', 'print JSON instead of a table (for scripts)');
}

/** Help text listing examples, shown after the options. */
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText(
    'after',
    `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`,
  );
}

/**
 * A subcommand's options with its group's filled in: `recommendations --json accept 8` gives
 * `--json` to the group (positional options), yet it is meant for `accept`. The subcommand's own
 * value wins when both are given.
 */
export function withGroupOptions<T extends object>(command: Command, own: T): T {
  const merged: Record<string, unknown> = {};
  for (let c = command.parent; c !== null; c = c.parent) {
    for (const [key, value] of Object.entries(c.opts()))
      if (merged[key] === undefined && c.getOptionValueSource(key) === 'cli') merged[key] = value;
  }
  return {
    ...merged,
    ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)),
  } as T;
}
