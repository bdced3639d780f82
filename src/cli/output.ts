import Table from 'cli-table3';
import type { CliIo } from './io.js';

export type Cell = string | number | null | undefined;

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned. Default left. */
  align?: 'left' | 'right';
}

/** An aligned table: borders only where they help reading, no colours (safe in logs and pipes). */
export function renderTable(columns: readonly TableColumn[], rows: readonly Cell[][]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
  });
  table.push(columns.map((c) => '─'.repeat(c.header.length)));
  for (const row of rows)
    table.push(row.map((cell) => (cell === null || cell === undefined ? '–' : String(cell))));
  return table.toString();
}

export function printTable(
  io: CliIo,
  columns: readonly TableColumn[],
  rows: readonly Cell[][],
): void {
  io.out(rows.length === 0 ? '(none)' : renderTable(columns, rows));
}

/** `--json` output: stable, indented, dates as ISO strings. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value)
    ? '–'
    : `${(100 * value).toFixed(digits)}%`;
}

export function millis(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value)} ms`;
}

export function interval(bounds: readonly [number, number] | null | undefined): string {
  return bounds === null || bounds === undefined
    ? '–'
    : `${percent(bounds[0])} – ${percent(bounds[1])}`;
}

export function timestamp(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const date = value instanceof Date ? value : new Date(value);
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function truncate(text: string | null | undefined, width: number): string {
  if (text === null || text === undefined) return '–';
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= width ? oneLine : `${oneLine.slice(0, width - 1)}…`;
}

export function heading(io: CliIo, title: string): void {
  io.out('');
  io.out(title);
}
