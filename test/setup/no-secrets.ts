// Runs in every test file: fails the file if the database password shows up in anything it printed.
import { format } from 'node:util';
import { afterAll, inject } from 'vitest';

const password = inject('pgPassword');
const leaks: string[] = [];

function check(text: string): void {
  if (text.includes(password)) leaks.push(text.slice(0, 300).replaceAll(password, '***'));
}

if (password.length >= 6) {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      check(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      check(format(...args));
      original(...args);
    };
  }
}

afterAll(() => {
  if (leaks.length > 0)
    throw new Error(
      `the database password appeared in test output ${leaks.length} time(s), e.g.: ${leaks[0]}`,
    );
});
