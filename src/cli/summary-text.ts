import type { CliIo } from './io.js';
import { interval, percent, printTable, truncate, type Cell } from './output.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInterval(value: unknown): value is [number, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && v >= 0 && v <= 1)
  );
}

function cell(key: string, value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (/rate/i.test(key) && value >= 0 && value <= 1) return percent(value);
    return Number.isInteger(value) ? value : value.toFixed(3);
  }
  if (isInterval(value)) return interval(value);
  if (typeof value === 'string') return truncate(value, 80);
  return truncate(JSON.stringify(value), 60);
}

/**
 * A job's summary for a person: scalars as `key: value` lines, lists of records as tables. Works
 * for any job, including custom ones, since summaries are plain JSON.
 */
export function printSummary(io: CliIo, summary: unknown): void {
  if (!isRecord(summary)) {
    io.out(JSON.stringify(summary));
    return;
  }
  const lists: Array<[string, Record<string, unknown>[]]> = [];
  for (const [key, value] of Object.entries(summary)) {
    if (Array.isArray(value) && value.every(isRecord)) lists.push([key, value]);
    else io.out(`${key}: ${cell(key, value) ?? '–'}`);
  }
  for (const [key, rows] of lists) {
    io.out('');
    io.out(`${key} (${rows.length})`);
    if (rows.length === 0) continue;
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    printTable(
      io,
      columns.map((header) => ({
        header,
        // Numbers, rates and intervals read best right-aligned.
        align: rows.every((row) => typeof row[header] === 'number' || isInterval(row[header]))
          ? ('right' as const)
          : ('left' as const),
      })),
      rows.map((row) => columns.map((column) => cell(column, row[column]))),
    );
  }
}
