import type { Command } from 'commander';

function subcommand(command: Command, name: string): Command | undefined {
  return command.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** True for `--limit` (but not `--limit=5`) when that option needs a value on this command. */
function consumesNext(command: Command, arg: string): boolean {
  if (arg.includes('=')) return false;
  return command.options.some((o) => (o.long === arg || o.short === arg) && o.required);
}

/** How many of these words the command will take as operands (skipping options' values). */
function operandsIn(command: Command, words: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') return count + words.length - i - 1;
    if (!word.startsWith('-')) count++;
    else if (consumesNext(command, word)) i++;
  }
  return count;
}

/**
 * `--embedded [dir]` takes the next word as its folder, which reads wrong in
 * `recommendations --embedded accept 8` (the folder would be "accept") and
 * `jobs run --embedded hourly-statistics` (the job would be missing). The word stays the command's
 * when it names a subcommand, or when the command still needs it as an argument; otherwise it is
 * the folder, as --help shows. Everything else is left to commander.
 */
export function normalizeArgs(program: Command, args: readonly string[]): string[] {
  const out: string[] = [];
  let command = program;
  let operands = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('-')) {
      const next = operands === 0 ? subcommand(command, arg) : undefined;
      if (next === undefined) operands++;
      else [command, operands] = [next, 0];
      out.push(arg);
      continue;
    }
    const word = args[i + 1];
    if (arg === '--embedded' && word !== undefined && !word.startsWith('-')) {
      const required = command.registeredArguments.filter((a) => a.required).length;
      const isCommand = operands === 0 && subcommand(command, word) !== undefined;
      const needed = operands + operandsIn(command, args.slice(i + 2)) < required;
      // An empty value means "the default folder" (see embeddedDir).
      if (isCommand || needed) out.push('--embedded=');
      else {
        out.push(arg, word);
        i++;
      }
      continue;
    }
    out.push(arg);
    if (consumesNext(command, arg) && word !== undefined) {
      out.push(word);
      i++;
    }
  }
  return out;
}
