// `npm start` on a terminal (issue 15): after the report, the demo serves the web UI over its data
// and prints the URL until Ctrl-C; without a terminal (CI) it exits after the report. The terminal
// is a real pseudo-terminal from util-linux `script`, and Ctrl-C is the byte a user's key sends.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cliProcess } from './helpers/cli.js';
import { createTestDatabase } from './helpers/db.js';

const SCRIPT = ['/usr/bin/script', '/bin/script'].find((file) => existsSync(file));
const DEMO = ['demo', '--no-embedded', '--goals', '150', '--seed', '5'];

/** Single-quotes a word for `sh -c`. */
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

describe('demo on a terminal', () => {
  let url: string;
  let dir: string;
  beforeAll(async () => {
    url = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'dendrite-demo-tty-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(SCRIPT === undefined)(
    'serves the web UI over the demo data until Ctrl-C, then exits 0',
    async () => {
      // `exec`: the CLI replaces script's shell, so Ctrl-C reaches it alone and the exit code
      // script passes on is the CLI's own (a shell hit by SIGINT would exit 130 itself).
      const command = `exec ${[process.execPath, CLI_BIN, ...DEMO, '--html', path.join(dir, 'tty.html')].map(quote).join(' ')}`;
      const child = spawn(SCRIPT!, ['-qfec', command, '/dev/null'], {
        cwd: dir,
        env: { PATH: process.env.PATH, DATABASE_URL: url, TERM: 'dumb' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      const served = new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const found = /web UI on (http:\/\/127\.0\.0\.1:\d+\/?)/.exec(output);
          if (found !== null) resolve(found[1]!);
        });
        child.on('close', () => reject(new Error(`the demo ended without serving:\n${output}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));

      const address = await served;
      const page = await fetch(address);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const executions = (await (await fetch(new URL('/api/executions', address))).json()) as {
        items?: unknown[];
      };
      expect(executions.items?.length).toBeGreaterThan(0);

      child.stdin.write('\x03');
      expect(await exited, output).toBe(0);
      expect(output).toMatch(/SIGINT: stopping the web UI/);
      await expect(fetch(address)).rejects.toThrow();
    },
    120_000,
  );

  it('without a terminal, writes the report and exits without serving', async () => {
    const run = await cliProcess([...DEMO, '--html', path.join(dir, 'plain.html')], {
      cwd: dir,
      env: { DATABASE_URL: url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/web UI on/);
    expect(existsSync(path.join(dir, 'plain.html'))).toBe(true);
  }, 120_000);
});
