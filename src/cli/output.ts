import Table from 'cli-table3';
import type { CliIo } from './io.js';

export type Cell = string | number | null | undefined;

// C0 controls (ESC starts every terminal escape sequence), DEL, C1 controls (0x9b is a one-byte
// CSI), and the bidirectional overrides that make text read differently from what it is.
const CONTROLS =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_NEWLINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text safe to print on a terminal: control characters from stored data (a tool name holding
 * `\x1b[2J`) appear as `\u001b` instead of acting. The `\uXXXX` form also keeps JSON valid and
 * equal. Newlines stay unless `newlines` is false (table cells, one-line values).
 */
export function printable(text: string, newlines = true): string {
  return text.replace(newlines ? CONTROLS_BUT_NEWLINE : CONTROLS, escapeOne);
}

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
    table.push(
      row.map((cell) =>
        cell === null || cell === undefined ? '–' : printable(String(cell), false),
      ),
    );
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
