import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { cli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';

describe('dendrite-history serve', () => {
  it('serves until the shutdown signal, then stops', async () => {
    const url = await createTestDatabase();
    let stdout = '';
    let stderr = '';
    let stop: (signal: string) => void = () => undefined;
    const shutdown = new Promise<string>((resolve) => (stop = resolve));
    let announced: (address: string) => void = () => undefined;
    const address = new Promise<string>((resolve) => (announced = resolve));
    const io: CliIo = {
      out: (text) => {
        stdout += `${text}\n`;
        const match = /web UI on (http:\/\/\S+\/)/.exec(text);
        if (match !== null) announced(match[1]!);
      },
      err: (text) => void (stderr += `${text}\n`),
      writeOut: (text) => void (stdout += text),
      writeErr: (text) => void (stderr += text),
      tty: undefined,
      env: { DATABASE_URL: url },
      cwd: process.cwd(),
      waitForShutdown: () => shutdown,
    };
    const running = runCli(['serve', '--port', '0'], io);
    const base = await address;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(new URL('/api/executions', base));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [], next: null });
    stop('SIGINT');
    expect(await running).toBe(0);
    expect(stdout).toContain('SIGINT: stopping the web UI');
    expect(stderr).toBe('');
    await expect(fetch(new URL('/api/executions', base))).rejects.toThrow();
  });

  it('refuses to listen beyond loopback without a token, saying how to give one', async () => {
    const url = await createTestDatabase();
    const run = await cli(['serve', '--port', '0', '--host', '0.0.0.0'], {
      env: { DATABASE_URL: url },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--auth-token');
    expect(run.stderr).toContain('DENDRITE_UI_TOKEN');
  });

  it('rejects a short token as a usage error', async () => {
    const run = await cli(['serve', '--auth-token', 'short']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at least 16 characters');
  });
});
