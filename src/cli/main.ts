#!/usr/bin/env node
import path from 'node:path';
import { Command } from 'commander';
import {
  ExecutionStore,
  startEmbeddedPostgres,
  migrate,
  revertLastMigration,
  loadConfig,
  describeConfig,
} from '../index.js';
import { configFromUrl } from '../config.js';
import type { EmbeddedServer } from '../db/embedded.js';

async function withEmbedded<T>(
  dir: string,
  fn: (server: EmbeddedServer) => Promise<T>,
): Promise<T> {
  const server = await startEmbeddedPostgres({ dataDir: path.resolve(dir, 'pg') });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

const program = new Command()
  .name('dendrite-history')
  .description('Execution history for AI agent orchestrators, in PostgreSQL.');

program
  .command('migrate')
  .description('apply pending migrations (or revert the last one)')
  .option('--revert', 'revert the most recent migration')
  .action(async (opts: { revert?: boolean }) => {
    const config = loadConfig();
    if (opts.revert) {
      const name = await revertLastMigration(config);
      console.log(name === null ? 'nothing to revert' : `reverted ${name}`);
    } else {
      const { applied } = await migrate(config);
      console.log(
        applied.length === 0
          ? `${describeConfig(config)} is up to date`
          : `applied ${applied.join(', ')}`,
      );
    }
  });

program
  .command('demo')
  .description(
    'start an embedded PostgreSQL under .dendrite/, record sample executions, print statistics',
  )
  .option('--embedded <dir>', 'data folder for the embedded server', '.dendrite')
  .action(async (opts: { embedded: string }) => {
    await withEmbedded(opts.embedded, async (server) => {
      const store = await ExecutionStore.open({ connectionString: server.url });
      try {
        const tools = ['calculator_tool', 'prime_checker_tool', 'web_search_tool'];
        for (let i = 0; i < 30; i++) {
          const tool = tools[i % tools.length]!;
          const success = tool !== 'web_search_tool' || i % 2 === 0;
          const executionId = await store.storeExecution({
            goalText: `sample goal ${i}`,
            intent: 'tool_use',
            success,
            durationMs: 20 + i,
          });
          await store.storeToolExecution({
            executionId,
            toolName: tool,
            success,
            durationMs: 10 + i,
          });
        }
        await store.updateStatistics();
        for (const t of await store.getTopTools({ limit: 10 }))
          console.log(
            `${t.toolName.padEnd(24)} ${(100 * (t.successRate ?? 0)).toFixed(1).padStart(5)}%  ${t.totalExecutions} runs`,
          );
        console.log(
          `success rate: ${((await store.getSuccessRate()) ?? 0).toFixed(3)} (data in ${server.dataDir}, ${describeConfig(configFromUrl(server.url))})`,
        );
      } finally {
        await store.close();
      }
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`dendrite-history: ${e.message ?? String(error)}`);
  process.exitCode =
    e.code === 'CONNECTION' || e.code === 'CONFIG' || e.code === 'AUTHENTICATION' ? 2 : 1;
});
