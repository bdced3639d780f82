import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, packedProject } from './helpers/packed-package.js';
import { compileUserProject } from './helpers/user-tsc.js';

interface Block {
  /** The README heading the block sits under, and its position there. */
  name: string;
  line: number;
  code: string;
}

/** Every ```ts block of the README not marked `<!-- not-run -->` on the line(s) before it. */
function extractBlocks(markdown: string): { run: Block[]; skipped: Block[] } {
  const lines = markdown.split('\n');
  const run: Block[] = [];
  const skipped: Block[] = [];
  let heading = '(top)';
  const perHeading = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    if (!/^```(ts|typescript)\s*$/.test(line)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    let previous = start - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const count = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, count);
    const block = { name: `${heading} #${count}`, line: start + 1, code: body.join('\n') };
    if (previous >= 0 && /<!--\s*not-run\b/.test(lines[previous]!)) skipped.push(block);
    else run.push(block);
  }
  return { run, skipped };
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/**
 * What a block must print. A block not listed must print something besides an empty `[]`/`{}`:
 * an example whose output says nothing teaches nothing.
 */
const PRINTS: Record<string, RegExp[]> = {
  'Use it from code #1': [/toolName: 'prime_checker_tool'/, /totalExecutions: [3-9]/],
  'Middleware #1': [/queued: \d+/, /written: [1-9]/, /dropped: 0/],
  'Agent frameworks #1': [/Weather in Oslo\? \[ 'forecast' \]/],
  // The tool the earlier examples ran outranks one never seen.
  'Learning loop #1': [
    /toolName: 'prime_checker_tool',\s+score: [\d.]+,\s+rank: 1,/,
    /hourly-statistics/,
  ],
  'Dashboard #1': [/executions: [1-9]/, /toolName: '/],
};

/** Longest a block may take to run and exit; one that keeps running (a store left open) fails. */
const BLOCK_TIME_LIMIT_MS = 45_000;

interface BlockRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a compiled block as its own process, like `node example.js`; ends it after the limit. */
function runBlock(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<BlockRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // SIGTERM first: the embedded server's own hook stops PostgreSQL; SIGKILL if that hangs.
    const term = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, BLOCK_TIME_LIMIT_MS);
    const kill = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIME_LIMIT_MS + 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
const { run: blocks, skipped } = extractBlocks(readme);

describe('README examples, run as a user would: each its own process, on the packed package', () => {
  let work: string;
  let compileErrors: string[] = [];
  // A user following the README has no database configured: the examples must not need one.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== 'DATABASE_URL' && !/^POSTGRES_/.test(key),
    ),
  );

  beforeAll(async () => {
    const project = await packedProject();
    // One folder for all blocks, as one user would have: they share `.dendrite/` like the README says.
    work = path.join(project.dir, `readme-${process.pid}`);
    await rm(work, { recursive: true, force: true });
    await mkdir(work);
    const files: string[] = [];
    for (const block of blocks) {
      const file = `${slug(block.name)}.ts`;
      // `export {}` makes each block a module of its own (top-level await, no shared names).
      await writeFile(path.join(work, file), `${block.code}\nexport {};\n`);
      files.push(file);
    }
    compileErrors = await compileUserProject(work, files);
  }, 300_000);

  afterAll(async () => {
    if (work === undefined) return;
    // A block that ended badly may leave its embedded server: stop the one this test started.
    const pidFile = path.join(work, '.dendrite/pg/postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // already gone
        }
      }
    }
    await rm(work, { recursive: true, force: true });
  });

  it('skips exactly the blocks marked not-run', () => {
    const sample = [
      '## A',
      '```ts',
      'run1();',
      '```',
      '<!-- not-run: loops forever -->',
      '',
      '```ts',
      'forever();',
      '```',
      '```sh',
      'echo not ts',
      '```',
      '## B',
      '```typescript',
      'run2();',
      '```',
    ].join('\n');
    const { run, skipped } = extractBlocks(sample);
    expect(run.map((b) => [b.name, b.code])).toEqual([
      ['A #1', 'run1();'],
      ['B #1', 'run2();'],
    ]);
    expect(skipped.map((b) => b.code)).toEqual(['forever();']);
  });

  it('has examples to run, and says which it skips', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of skipped)
      console.info(`README: not running ${block.name} (line ${block.line})`);
  });

  it('type-checks every example against the installed package (strict, skipLibCheck false)', () => {
    // Other packages' declarations are theirs to check (some expect DOM types); ours must pass.
    const ours = compileErrors.filter(
      (line) => !line.startsWith('../node_modules/') || line.includes('/dendrite-history/'),
    );
    const errors = ours.map((line) => {
      const block = blocks.find((b) => line.startsWith(`${slug(b.name)}.ts`));
      return block === undefined
        ? line
        : `README.md "${block.name}" (block at line ${block.line}): ${line.replace(/^.*?\.ts/, '')}`;
    });
    expect(errors).toEqual([]);
  });

  it.each(blocks.map((block) => [block.name, block] as const))(
    '%s runs, prints what it shows, and exits',
    async (name, block) => {
      const result = await runBlock(`${slug(name)}.js`, work, env);
      const where = `README.md example "${name}" (line ${block.line})`;
      expect(result.timedOut, `${where} did not exit within ${BLOCK_TIME_LIMIT_MS} ms`).toBe(false);
      expect(result.code, `${where} failed:\n${result.stderr}`).toBe(0);
      const printed = result.stdout.trim();
      const expected = PRINTS[name];
      if (expected === undefined) {
        expect(printed.replaceAll(/\[\]|\{\}|\s/g, ''), `${where} prints nothing useful`).not.toBe(
          '',
        );
      } else {
        for (const pattern of expected) expect(printed, where).toMatch(pattern);
      }
    },
    BLOCK_TIME_LIMIT_MS + 30_000,
  );

  it('every example the test expects output from is still in the README', () => {
    const names = new Set(blocks.map((b) => b.name));
    expect(Object.keys(PRINTS).filter((name) => !names.has(name))).toEqual([]);
  });
});
