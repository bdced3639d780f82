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
