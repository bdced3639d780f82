import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/db.js';

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

/** The repository, fixed before the examples move the working folder elsewhere. */
const repo = fileURLToPath(new URL('..', import.meta.url));

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

const readme = await readFile(path.join(repo, 'README.md'), 'utf8');
const { run: blocks, skipped } = extractBlocks(readme);
/** `from 'dendrite-history'` or a sub-path export (`'dendrite-history/otel'`: src/adapters/otel). */
const PACKAGE_IMPORT = /from\s+(['"])dendrite-history(?:\/([a-z-]+))?\1/g;
function entryOf(sub: string | undefined, ext: '.ts' | '.js'): string {
  return path.join(repo, sub === undefined ? `src/index${ext}` : `src/adapters/${sub}/index${ext}`);
}
const scratch = path.join(repo, 'test-output', 'readme');

describe('README examples', () => {
  let cwd: string;
  const originalCwd = process.cwd();
  const originalUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    // The examples use the environment, like a user's program would.
    process.env.DATABASE_URL = await createTestDatabase();
    // Anything they write (report.html, spool folders) lands in a folder of their own.
    cwd = await mkdtemp(path.join(tmpdir(), 'dendrite-readme-'));
    await chmod(cwd, 0o755);
    await mkdir(scratch, { recursive: true });
    process.chdir(cwd);
  });
  afterAll(async () => {
    process.chdir(originalCwd);
    if (originalUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = originalUrl;
    await rm(cwd, { recursive: true, force: true });
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

  it('type-checks every example, as a user compiling it would', async () => {
    // Same compiler and settings as the project, 'dendrite-history' resolved to this source.
    const dir = path.join(scratch, 'typecheck');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    for (const block of blocks) {
      const file = path.join(dir, `${slug(block.name)}.ts`);
      const code = block.code.replaceAll(
        PACKAGE_IMPORT,
        (_m, _q, sub?: string) =>
          `from '${path.relative(dir, entryOf(sub, '.js')).split(path.sep).join('/')}'`,
      );
      await writeFile(file, `${code}\nexport {};\n`);
      files.push(file);
    }
    const tsconfig = path.join(dir, 'tsconfig.json');
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: path.join(repo, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: repo },
        include: [],
        files,
      }),
    );
    const require = createRequire(import.meta.url);
    const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', tsconfig], { encoding: 'utf8' });
    const errors = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => /error TS\d+/.test(line))
      .map((line) => {
        const block = blocks.find((b) => line.includes(`${slug(b.name)}.ts`));
        return block === undefined
          ? line
          : `README.md "${block.name}" (block at line ${block.line}): ${line.replace(/^.*?\.ts/, '')}`;
      });
    expect(errors).toEqual([]);
  });

  it.each(blocks.map((block) => [block.name, block] as const))('%s runs', async (_name, block) => {
    const code = block.code.replaceAll(
      PACKAGE_IMPORT,
      (_m, _q, sub?: string) => `from ${JSON.stringify(pathToFileURL(entryOf(sub, '.ts')).href)}`,
    );
    const file = path.join(scratch, `${slug(block.name)}.ts`);
    // `export {}` makes each block a module of its own (top-level await, no shared names).
    await writeFile(file, `// README.md line ${block.line}\n${code}\nexport {};\n`);
    try {
      await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(
        `README.md example "${block.name}" (line ${block.line}) failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  });
});
