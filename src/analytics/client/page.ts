/**
 * What every chart of the dashboard shares: the report model read from the page, the palette from
 * the stylesheet's custom properties, Chart.js (inlined before the script as a global) with the
 * dashboard's defaults, number formats, and the small DOM helpers for sizes, empty states and
 * legends. Evaluated once, before any chart module, as the bundle's first module.
 */
import type { Chart as ChartClass } from 'chart.js';
import type { ReportModel, ToolReportRow } from '../report-types.js';

/** Chart.js's UMD build, loaded by the page as a global before this script. */
export const Chart = (globalThis as unknown as { Chart: typeof ChartClass }).Chart;

/** A tool whose whole interval lies below this is "clearly failing" (the report's own cut). */
export const FAILING_CEILING = 0.6;
/** Below this observed success rate a tool is marked as needing a look. */
export const WEAK_RATE = 0.85;
/** Fewest goal executions in a bucket for its failure rate to be drawn as a point of the line. */
export const MIN_RUNS_FOR_RATE = 10;

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`dashboard: #${id} is missing`);
  return found as T;
}

/** The report model, from the page's JSON block. */
export const model = JSON.parse(element('report-data').textContent ?? 'null') as ReportModel;
const css = getComputedStyle(document.documentElement);
const color = (name: string): string => css.getPropertyValue(name).trim();
export const C = {
  ink: color('--ink'),
  muted: color('--muted'),
  grid: color('--grid'),
  good: color('--good'),
  bad: color('--bad'),
  warn: color('--warn'),
  accent: color('--accent'),
  ai: color('--ai'),
  p95: color('--p95'),
};
Chart.defaults.font.family = css.getPropertyValue('font-family');
Chart.defaults.font.size = 12;
Chart.defaults.color = C.muted;
Chart.defaults.borderColor = C.grid;
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.plugins.legend.labels.boxWidth = 12;
Chart.defaults.plugins.legend.labels.usePointStyle = true;

export const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
export const wholePct = (v: number): string => `${Math.round(v * 1000) / 10}%`;
export const ms = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return 'n/a';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
};
export const alpha = (hex: string, a: number): string => {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
};
export const toolLabel = (t: ToolReportRow): string =>
  t.generated ? `${t.toolName} ✦` : t.toolName;

/** Colour by performance only: an AI-generated tool that fails is red like any other. */
export const rateColor = (row: ToolReportRow): string => {
  if (row.interval[1] < FAILING_CEILING) return C.bad;
  if (row.successRate < WEAK_RATE) return C.warn;
  return C.good;
};

export const sizeFor = (id: string, rows: number): void => {
  const box = element(id).parentElement;
  if (box !== null) box.style.height = `${Math.max(220, 26 * rows + 70)}px`;
};

export const empty = (id: string, text: string): void => {
  const canvas = element(id);
  const note = document.createElement('p');
  note.className = 'empty';
  note.textContent = text;
  canvas.parentElement?.replaceWith(note);
  document.getElementById(`${id}-legend`)?.remove();
};

/** Fills a legend box under a chart: one swatch and its meaning per entry. */
export const legend = (
  id: string,
  entries: Array<{ swatch: string; text: string; mark?: string }>,
) => {
  const box = document.getElementById(id);
  if (box === null) return;
  for (const entry of entries) {
    const item = document.createElement('span');
    item.className = 'legend-item';
    const swatch = document.createElement('span');
    swatch.className = `swatch${entry.mark === undefined ? '' : ' mark'}`;
    if (entry.mark === undefined) swatch.style.background = entry.swatch;
    else {
      swatch.textContent = entry.mark;
      swatch.style.color = entry.swatch;
    }
    item.append(swatch, document.createTextNode(entry.text));
    box.append(item);
  }
};

/** The largest round value (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) not above v, or smallest not below. */
export const nice = (v: number, direction: 'floor' | 'ceil'): number => {
  const exponent = Math.floor(Math.log10(v));
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const scaled = v / 10 ** exponent;
  const pick =
    direction === 'floor'
      ? [...steps].reverse().find((s) => s <= scaled + 1e-9)
      : steps.find((s) => s >= scaled - 1e-9);
  return (pick ?? 1) * 10 ** exponent;
};
