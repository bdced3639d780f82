import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with its own environment and working folder; captures output. */
export async function cli(
  args: readonly string[],
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    shutdown?: Promise<string>;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => void (stdout += `${text}\n`),
    err: (text) => void (stderr += `${text}\n`),
    writeOut: (text) => void (stdout += text),
    writeErr: (text) => void (stderr += text),
    tty: undefined,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    waitForShutdown: () => options.shutdown ?? Promise.resolve('SIGTERM'),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** The built command line, as users run it. Tests that spawn it need `npm run build` first. */
export const CLI_BIN = path.resolve(process.env.DENDRITE_CLI_BIN ?? 'dist/src/cli/main.js');

export interface ProcessRun extends CliRun {
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
}

/**
 * Runs the built CLI as its own process (`node dist/src/cli/main.js ...`) with only the given
 * environment (plus PATH), and collects what it printed.
 */
export async function cliProcess(
  args: readonly string[],
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    /** Called with the child as soon as it runs (to read its stdout slowly, or close it). */
    onSpawn?: (child: ChildProcessByStdio<null, Readable, Readable>) => void;
  } = {},
): Promise<ProcessRun> {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  options.onSpawn?.(child);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    },
  );
  return { code: code ?? -1, signal, stdout, stderr };
}
