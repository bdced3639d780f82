import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { buildReport, renderReportHtml } from '../../index.js';
import { withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { addDatabaseOptions, addJsonOption, examples, wholeNumber } from '../options.js';
import { printJson } from '../output.js';
import { printReport } from '../report-text.js';

/** Writes the dashboard; returns the absolute path and its size in bytes. */
export async function writeDashboard(
  io: CliIo,
  file: string,
  html: string,
): Promise<{ path: string; bytes: number }> {
  const target = path.resolve(io.cwd, file);
  await writeFile(target, html);
  return { path: target, bytes: Buffer.byteLength(html) };
}

/** `report [--html <file>]`: the report in the terminal, as JSON, or as a self-contained page. */
export function registerReportCommand(program: Command, io: CliIo): void {
  const command = program
    .command('report')
    .description(
      'top tools, low performers, recommendations, per-intent success; or the HTML dashboard',
    )
    .option('--html <file>', 'write the dashboard: one self-contained HTML file (opens offline)')
    .option('--days <n>', 'how many days back to look', wholeNumber(1, 3650), 30);
  addJsonOption(addDatabaseOptions(command));
  examples(command, [
    'dendrite-history report',
    'dendrite-history report --html report.html && xdg-open report.html',
    'dendrite-history report --days 7 --json',
  ]);
  command.action(async (opts: DatabaseChoice & { html?: string; days: number; json?: boolean }) => {
    await withStore(io, opts, async (store) => {
      const model = await buildReport(store, { days: opts.days });
      if (opts.html !== undefined) {
        const written = await writeDashboard(io, opts.html, renderReportHtml(model));
        if (opts.json) return printJson(io, { html: written.path, bytes: written.bytes });
        io.out(
          `wrote ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB; open it in a browser)`,
        );
        return;
      }
      if (opts.json) return printJson(io, model);
      printReport(io, model);
    });
  });
}
