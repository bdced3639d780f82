// `--embedded` as users run it: the built CLI as a process, each command starting and stopping
// its own embedded PostgreSQL in a temporary folder.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cliProcess } from './helpers/cli.js';

const asRoot = process.getuid?.() === 0;
let base: string;

function postgresUid(): number | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

beforeAll(async () => {
  // mkdtemp makes a private (0700) folder: exactly what must not be opened up silently.
  base = await mkdtemp(path.join(tmpdir(), 'dendrite-cli-embedded-'));
  expect(await mode(base)).toBe(0o700);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('--embedded', { timeout: 120_000 }, () => {
  it('runs the demo in a private folder, loosening only what the server needs, and says so (10.20, 14.9)', async () => {
    const run = await cliProcess(['demo', '--goals', '30', '--seed', '7', '--embedded'], {
      cwd: base,
    });
    expect(run.stderr).not.toMatch(/Error|EACCES/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'next: npx dendrite-history top-tools --embedded · npx dendrite-history recommendations --embedded',
    );
    const data = path.join(base, '.dendrite', 'pg');
    expect(await mode(data)).toBe(0o700);
    if (asRoot) {
      // The server runs as "postgres": it gets through (o+x) and nothing more; the output says so.
      expect(await mode(base)).toBe(0o701);
      expect(await mode(path.join(base, '.dendrite'))).toBe(0o701);
      expect((await stat(data)).uid).toBe(postgresUid());
      expect(run.stderr).toContain(base);
      expect(run.stderr).toContain('traverse');
    } else {
      expect(await mode(base)).toBe(0o700);
      expect(await mode(path.join(base, '.dendrite'))).toBe(0o700);
      expect(run.stderr).not.toContain('traverse');
    }
    // Said once, when it was done; the next run has nothing to change.
    const again = await cliProcess(['stats', '--embedded', '--json'], { cwd: base });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).not.toEqual([]);
  });

  it('reaches subcommands wherever it is written (14.1)', async () => {
    for (const args of [
      ['recommendations', 'accept', '987654', '--embedded'],
      ['recommendations', '--embedded', 'accept', '987654', '--json'],
      ['recommendations', '--embedded', '.dendrite', 'dismiss', '987654'],
    ]) {
      const run = await cliProcess(args, { cwd: base });
      expect(run.stderr, args.join(' ')).toContain('987654');
      expect(run.stderr).not.toMatch(/localhost:5432|too many arguments/);
      expect(run.code).toBe(1);
    }
    const job = await cliProcess(['jobs', 'run', '--embedded', 'hourly-statistics', '--json'], {
      cwd: base,
    });
    expect(job.stderr).toBe('');
    expect(job.code).toBe(0);
    expect(JSON.parse(job.stdout)).toEqual(expect.any(Object));
  });

  it('ends quietly into a closed pipe (14.3)', async () => {
    const child = spawn(
      'bash',
      ['-c', `"${process.execPath}" "${CLI_BIN}" report --embedded | true; exit \${PIPESTATUS[0]}`],
      { cwd: base, env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // (The first command on a fresh folder may say which folders it opened for the server.)
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(code).toBe(0);
  });

  it('names the folder, the server using it and what to do; refuses what is not a folder (10.23)', async () => {
    const loop = spawn(process.execPath, [CLI_BIN, 'jobs', 'start', '--embedded'], {
      cwd: base,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        loop.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('Ctrl-C')) resolve();
        });
        loop.on('exit', () => reject(new Error(`jobs start exited early: ${out}`)));
      });
      const folder = path.join(base, '.dendrite', 'pg');
      const pid = readFileSync(path.join(folder, 'postmaster.pid'), 'utf8').split('\n')[0];
      const busy = await cliProcess(['stats', '--embedded'], { cwd: base });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`${folder} is in use by another server (pid ${pid}`);
      expect(busy.stderr).toContain('another folder');
      expect(busy.stderr).not.toContain('cannot reach');
    } finally {
      const exited = new Promise((resolve) => loop.on('close', resolve));
      loop.kill('SIGTERM');
      await exited;
    }
    const file = path.join(base, 'a-file');
    await writeFile(file, 'not a folder');
    for (const dir of ['/dev/null', file, path.join(file, 'below')]) {
      const run = await cliProcess(['stats', '--embedded', dir], { cwd: base });
      expect(run.code, dir).toBe(2);
      expect(run.stderr).toMatch(/is not a folder/);
      expect(run.stderr).not.toMatch(/EEXIST|ENOTDIR|at .*\.js/);
    }
  });
});
