import type { ReportModel } from '../index.js';
import type { CliIo } from './io.js';
import { heading, interval, millis, percent, printTable, timestamp, truncate } from './output.js';

/** The report as a person reads it in a terminal: headline, then one table per question. */
export function printReport(io: CliIo, model: ReportModel, options: { top?: number } = {}): void {
  const t = model.totals;
  const confidence = `${Math.round(model.window.confidence * 100)}%`;
  io.out(
    `${t.executions} goals, ${t.toolRuns} tool runs over ${t.tools} tools in the last ${model.window.days} days · success ${percent(t.successRate)} · ${t.ratings} ratings, average ${t.averageRating === null ? '–' : t.averageRating.toFixed(2)}`,
  );

  heading(io, `Top tools (ranked by the lower bound of the ${confidence} interval)`);
  const ranked = [...model.tools]
    .sort((a, b) => b.interval[0] - a.interval[0] || b.total - a.total)
    .slice(0, options.top ?? 10);
  printTable(
    io,
    [
      { header: 'tool' },
      { header: 'runs', align: 'right' },
      { header: 'success', align: 'right' },
      { header: 'interval', align: 'right' },
      { header: 'p50', align: 'right' },
      { header: 'p95', align: 'right' },
      { header: 'AI' },
    ],
    ranked.map((row) => [
      row.toolName,
      row.total,
      percent(row.successRate),
      interval(row.interval),
      millis(row.p50Ms),
      millis(row.p95Ms),
      row.generated ? 'yes' : '',
    ]),
  );

  heading(
    io,
    model.lowPerformers.source === 'daily-low-performers'
      ? `Low performers (daily-low-performers job: whole ${confidence} interval below ${percent(model.lowPerformers.threshold, 0)})`
      : `Low performers (whole ${confidence} interval below ${percent(model.lowPerformers.threshold, 0)}; the daily job has not run yet)`,
  );
  printTable(
    io,
    [
      { header: 'tool' },
      { header: 'runs', align: 'right' },
      { header: 'success', align: 'right' },
      { header: 'interval', align: 'right' },
    ],
    model.lowPerformers.items.map((row) => [
      row.toolName,
      row.total,
      percent(row.successRate),
      interval(row.interval),
    ]),
  );

  heading(io, 'Lifecycle recommendations (open)');
  if (!model.recommendations.available)
    io.out('(not available: run `npx dendrite-history migrate`)');
  else
    printTable(
      io,
      [
        { header: 'id', align: 'right' },
        { header: 'action' },
        { header: 'tool' },
        { header: 'why' },
      ],
      model.recommendations.items.map((r) => [r.id, r.action, r.toolName, truncate(r.reason, 100)]),
    );

  heading(io, 'Success rate per intent');
  printTable(
    io,
    [
      { header: 'intent' },
      { header: 'goals', align: 'right' },
      { header: 'success', align: 'right' },
    ],
    model.intents.map((row) => [row.intent ?? '(none)', row.executions, percent(row.successRate)]),
  );

  if (model.jobs.available && model.jobs.items.length > 0) {
    heading(io, 'Recent job runs');
    printTable(
      io,
      [
        { header: 'job' },
        { header: 'status' },
        { header: 'started' },
        { header: 'took', align: 'right' },
      ],
      model.jobs.items
        .slice(0, 6)
        .map((j) => [j.jobName, j.status, timestamp(j.startedAt), millis(j.durationMs)]),
    );
  }
}
