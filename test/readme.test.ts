import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

const readme = await readFile(path.resolve('README.md'), 'utf8');
const { run: blocks, skipped } = extractBlocks(readme);
const source = path.resolve('src/index.ts');
const scratch = path.resolve('test-output', 'readme');

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

  it('has examples to run, and says which it skips', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of skipped)
      console.info(`README: not running ${block.name} (line ${block.line})`);
  });

  it.each(blocks.map((block) => [block.name, block] as const))('%s runs', async (_name, block) => {
    const code = block.code.replaceAll(
      /from\s+(['"])dendrite-history\1/g,
      `from ${JSON.stringify(pathToFileURL(source).href)}`,
    );
    const file = path.join(scratch, `${block.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.ts`);
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
