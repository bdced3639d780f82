import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/db.js';
import { packedProject, type PackedProject } from './helpers/packed-package.js';
import { compileUserProject } from './helpers/user-tsc.js';

const execFileAsync = promisify(execFile);

/** A user's program: several parts of the public API, with their types. */
const USER_PROGRAM = `
import {
  ExecutionStore,
  attachExecutionHistory,
  buildReport,
  renderReportHtml,
  startLearningLoop,
  ValidationError,
} from 'dendrite-history';
import type { AttachOptions, ReportModel, StoreOptions, ToolStatisticsRecord } from 'dendrite-history';

const options: StoreOptions = { connectionString: process.env.DATABASE_URL };
await using store = await ExecutionStore.open(options);
const executionId = await store.storeExecution({ goalText: 'packed', intent: 'tool_use', success: true });
await store.storeToolExecution({ executionId, toolName: 'packed_tool', success: true, durationMs: 7 });
await store.updateStatistics();
const stats: ToolStatisticsRecord | null = await store.getToolStatistics('packed_tool');
const report: ReportModel = await buildReport(store, { days: 1 });
const html = renderReportHtml(report);
const attach: AttachOptions | undefined = undefined;
let refused = '';
try {
  await store.storeFeedback({ executionId, rating: 9 });
} catch (error) {
  if (error instanceof ValidationError) refused = error.code;
}
console.log(JSON.stringify({
  runs: stats?.totalExecutions,
  tools: report.tools.map((t) => t.toolName),
  html: html.startsWith('<!doctype html>'),
  refused,
  attach: typeof attachExecutionHistory === 'function' && attach === undefined,
  loop: typeof startLearningLoop,
}));
`;

describe('the packed package, installed in a user project', () => {
  let project: PackedProject;
  let work: string;

  beforeAll(async () => {
    project = await packedProject();
    work = path.join(project.dir, `user-${process.pid}`);
    await rm(work, { recursive: true, force: true });
    await mkdir(work);
  }, 300_000);

  it('ships the library only: no tests, benchmarks, or source maps to unshipped sources', () => {
    const files = project.files;
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/cli/main.js');
    // The dashboard's browser script, compiled by its own tsconfig, read at render time.
    expect(files).toContain('dist/src/analytics/client/dashboard.js');
    expect(files.some((f) => f.startsWith('dist/migrations/'))).toBe(true);
    expect(files.some((f) => f.startsWith('dist/jobs/'))).toBe(true);
    expect(files.filter((f) => /^dist\/(test|bench)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['README.md', 'package.json']);
  });

  it('exports no test helpers', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "console.log(Object.keys(await import('dendrite-history')).join(' '))",
      ],
      { cwd: work },
    );
    const names = stdout.trim().split(' ');
    expect(names).toContain('ExecutionStore');
    expect(names).not.toContain('startStreamingReplica');
    expect(names).not.toContain('allowLoopbackReplication');
  });

  it('type-checks a user program with strict and skipLibCheck false, then runs it', async () => {
    await writeFile(path.join(work, 'main.ts'), USER_PROGRAM);
    await writeFile(path.join(work, 'package.json'), '{ "type": "module" }\n');
    expect(await compileUserProject(work, ['main.ts'])).toEqual([]);
    const url = await createTestDatabase();
    const { stdout } = await execFileAsync(process.execPath, ['main.js'], {
      cwd: work,
      env: { ...process.env, DATABASE_URL: url },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      runs: 1,
      tools: ['packed_tool'],
      html: true,
      refused: 'VALIDATION',
      attach: true,
      loop: 'function',
    });
  });

  it("installs the command line: `dendrite-history --help` from the project's bin", async () => {
    const bin = path.join(project.dir, 'node_modules/.bin/dendrite-history');
    const { stdout } = await execFileAsync(bin, ['--help'], { cwd: work });
    expect(stdout).toMatch(/Usage: dendrite-history/);
    expect(
      JSON.parse(await readFile(path.join(project.dir, 'package.json'), 'utf8')),
    ).toHaveProperty('dependencies.dendrite-history');
  });
});
