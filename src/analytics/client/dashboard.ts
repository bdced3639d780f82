/**
 * The dashboard's browser script. Compiled by its own tsconfig (DOM, no Node) next to the library
 * and inlined into report.html as a module script at render time: it reads the report model from
 * the page's JSON block and draws every chart with Chart.js (inlined before it as a global).
 * Animations are off so the page is complete as soon as it loads.
 */
import type {
  Chart as ChartClass,
  ChartConfiguration,
  ChartDataset,
  ScriptableLineSegmentContext,
  TooltipItem,
} from 'chart.js';
import type { ReportModel, TimelinePoint, ToolReportRow } from '../report-types.js';

declare const Chart: typeof ChartClass;

/** A tool whose whole interval lies below this is "clearly failing" (the report's own cut). */
const FAILING_CEILING = 0.6;
/** Below this observed success rate a tool is marked as needing a look. */
const WEAK_RATE = 0.85;
/** Fewest goal executions in a bucket for its failure rate to be drawn as a point of the line. */
const MIN_RUNS_FOR_RATE = 10;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`dashboard: #${id} is missing`);
  return found as T;
}

const model = JSON.parse(element('report-data').textContent ?? 'null') as ReportModel;
const css = getComputedStyle(document.documentElement);
const color = (name: string): string => css.getPropertyValue(name).trim();
const C = {
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

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const wholePct = (v: number): string => `${Math.round(v * 1000) / 10}%`;
const ms = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return 'n/a';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
};
const alpha = (hex: string, a: number): string => {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
};
const toolLabel = (t: ToolReportRow): string => (t.generated ? `${t.toolName} ✦` : t.toolName);

/** Colour by performance only: an AI-generated tool that fails is red like any other. */
const rateColor = (row: ToolReportRow): string => {
  if (row.interval[1] < FAILING_CEILING) return C.bad;
  if (row.successRate < WEAK_RATE) return C.warn;
  return C.good;
};

const sizeFor = (id: string, rows: number): void => {
  const box = element(id).parentElement;
  if (box !== null) box.style.height = `${Math.max(220, 26 * rows + 70)}px`;
};

const empty = (id: string, text: string): void => {
  const canvas = element(id);
  const note = document.createElement('p');
  note.className = 'empty';
  note.textContent = text;
  canvas.parentElement?.replaceWith(note);
  document.getElementById(`${id}-legend`)?.remove();
};

/** Fills a legend box under a chart: one swatch and its meaning per entry. */
const legend = (id: string, entries: Array<{ swatch: string; text: string; mark?: string }>) => {
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
const nice = (v: number, direction: 'floor' | 'ceil'): number => {
  const exponent = Math.floor(Math.log10(v));
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const scaled = v / 10 ** exponent;
  const pick =
    direction === 'floor'
      ? [...steps].reverse().find((s) => s <= scaled + 1e-9)
      : steps.find((s) => s >= scaled - 1e-9);
  return (pick ?? 1) * 10 ** exponent;
};

function successChart(tools: ToolReportRow[]): void {
  sizeFor('chart-success', tools.length);
  // Scaled to the data: from the lowest interval end (rounded down to 10%), never less than a
  // 10-point span, so tools between 90% and 100% are not squeezed into the right fifth.
  const lowest = Math.min(...tools.map((t) => t.interval[0]));
  const min = Math.min(0.9, Math.floor(lowest * 10) / 10);
  const pointStyle = tools.map((t) => (t.generated ? 'triangle' : 'circle'));
  const config: ChartConfiguration<'bar' | 'line', Array<number | [number, number]>, string> = {
    type: 'bar',
    data: {
      labels: tools.map(toolLabel),
      datasets: [
        {
          type: 'line',
          label: 'observed success rate',
          indexAxis: 'y',
          showLine: false,
          data: tools.map((t) => t.successRate),
          // Points at 100% sit on the chart's edge: drawn whole, into the padding.
          clip: false,
          pointRadius: tools.map((t) => (t.generated ? 7 : 5)),
          pointHoverRadius: 8,
          pointStyle,
          backgroundColor: C.ink,
          borderColor: C.ink,
          pointBackgroundColor: tools.map(rateColor),
          pointBorderColor: tools.map((t) => (t.generated ? C.ai : C.ink)),
          pointBorderWidth: tools.map((t) => (t.generated ? 2 : 1)),
        },
        {
          type: 'bar',
          label: `${Math.round(model.window.confidence * 100)}% interval`,
          data: tools.map((t) => t.interval),
          backgroundColor: tools.map((t) => alpha(rateColor(t), 0.35)),
          borderColor: tools.map(rateColor),
          borderWidth: 1,
          borderSkipped: false,
          borderRadius: 3,
          barPercentage: 0.7,
          categoryPercentage: 0.9,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { right: 12 } },
      scales: {
        x: {
          min,
          max: 1,
          ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` },
        },
        y: { grid: { display: false }, ticks: { color: C.ink, autoSkip: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (ctx: TooltipItem<'bar' | 'line'>) => {
              const t = tools[ctx.dataIndex]!;
              return ctx.datasetIndex === 0
                ? `${pct(t.successRate)} of ${t.total} runs`
                : `interval ${pct(t.interval[0])} – ${pct(t.interval[1])}`;
            },
          },
        },
      },
    },
  };
  new Chart(element<HTMLCanvasElement>('chart-success'), config);
  legend('chart-success-legend', [
    { swatch: C.good, text: `at least ${Math.round(WEAK_RATE * 100)}% succeed` },
    { swatch: C.warn, text: `below ${Math.round(WEAK_RATE * 100)}%` },
    {
      swatch: C.bad,
      text: `clearly failing (whole interval below ${Math.round(FAILING_CEILING * 100)}%)`,
    },
    { swatch: C.ai, mark: '▲', text: 'AI-generated (✦): triangle, coloured by its results too' },
  ]);
}

/** 1, 3, 10, 30 … × 10^k between min and max: the latency axis' ticks and gridlines. */
const latencyTicks = (min: number, max: number): number[] => {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); 10 ** e <= max; e++)
    for (const m of [1, 3]) {
      const v = m * 10 ** e;
      if (v >= min - 1e-9 && v <= max + 1e-9) ticks.push(v);
    }
  return ticks;
};

function latencyChart(tools: ToolReportRow[]): void {
  const byLatency = tools.slice().sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0));
  sizeFor('chart-latency', byLatency.length);
  const values = byLatency
    .flatMap((t) => [t.p50Ms, t.p95Ms])
    .filter((v): v is number => v !== null && v > 0);
  // The axis ends on a tick at or above the slowest p95, so every bar ends inside the gridlines.
  const max = values.length === 0 ? 1000 : nice(Math.max(...values), 'ceil');
  const min = values.length === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.min(...values)));
  // One unit on the whole axis: seconds once the axis passes 10 s, else milliseconds.
  const inSeconds = max > 10_000;
  const tick = (v: number): string =>
    inSeconds ? `${(v / 1000).toLocaleString('en')} s` : `${v.toLocaleString('en')} ms`;
  const ticks = [...new Set([...latencyTicks(min, max), max])].sort((a, b) => a - b);
  const config: ChartConfiguration<'bar', Array<number | null>, string> = {
    type: 'bar',
    data: {
      labels: byLatency.map(toolLabel),
      datasets: [
        {
          label: 'p50',
          data: byLatency.map((t) => t.p50Ms),
          backgroundColor: C.accent,
          borderRadius: 2,
          barPercentage: 0.8,
          categoryPercentage: 0.85,
        },
        {
          label: 'p95',
          data: byLatency.map((t) => t.p95Ms),
          backgroundColor: alpha(C.p95, 0.75),
          borderRadius: 2,
          barPercentage: 0.8,
          categoryPercentage: 0.85,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: {
          type: 'logarithmic',
          min,
          max,
          afterBuildTicks: (axis) => {
            axis.ticks = ticks.map((value) => ({ value }));
          },
          ticks: { maxRotation: 0, callback: (v) => tick(Number(v)) },
        },
        y: {
          grid: { display: false },
          ticks: {
            autoSkip: false,
            color: byLatency.map((t) => (t.generated ? C.ai : C.ink)),
          },
        },
      },
      plugins: {
        legend: { position: 'top', align: 'end' },
        tooltip: {
          callbacks: {
            label: (ctx: TooltipItem<'bar'>) => `${ctx.dataset.label}: ${ms(ctx.raw as number)}`,
          },
        },
      },
    },
  };
  new Chart(element<HTMLCanvasElement>('chart-latency'), config);
}

function timelineChart(timeline: TimelinePoint[]): void {
  const hourly = model.window.bucket === 'hour';
  const label = (p: TimelinePoint): string => {
    const d = new Date(p.bucket);
    const text = hourly
      ? `${d.toISOString().slice(5, 13).replace('T', ' ')}h`
      : d.toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
    return p.partial ? `${text} (part)` : text;
  };
  // A bucket with few runs has a rate that means little: no point on the line, only its band.
  const shown = (p: TimelinePoint): boolean => p.executions >= MIN_RUNS_FOR_RATE;
  const rate = timeline.map((p) => (shown(p) ? p.failures / p.executions : null));
  const rates = rate.filter((v): v is number => v !== null);
  const rateMax = Math.min(1, nice(Math.max(0.05, ...rates.map((v) => v * 1.1)), 'ceil'));
  const partialSegment = (ctx: ScriptableLineSegmentContext): number[] | undefined =>
    timeline[ctx.p0DataIndex]?.partial === true || timeline[ctx.p1DataIndex]?.partial === true
      ? [4, 4]
      : undefined;
  const bars = (name: string, values: number[], base: string, opacity: number) => ({
    type: 'bar' as const,
    label: name,
    data: values,
    backgroundColor: timeline.map((p) => alpha(base, p.partial ? opacity / 3 : opacity)),
    borderColor: timeline.map((p) => (p.partial ? base : 'transparent')),
    borderWidth: timeline.map((p) => (p.partial ? 1 : 0)),
    borderDash: [3, 3],
    stack: 'runs',
    borderRadius: 2,
    yAxisID: 'y',
  });
  const band = (name: string, pick: (p: TimelinePoint) => number | null, fill: string | false) =>
    ({
      type: 'line' as const,
      label: name,
      yAxisID: 'rate',
      data: timeline.map((p) => (p.executions === 0 ? null : pick(p))),
      borderWidth: 0,
      pointRadius: 0,
      pointHitRadius: 0,
      backgroundColor: alpha(C.ink, 0.1),
      fill,
      tension: 0.3,
      spanGaps: false,
    }) satisfies ChartDataset<'line', Array<number | null>>;
  const datasets = [
    bars(
      'succeeded',
      timeline.map((p) => p.executions - p.failures),
      C.good,
      0.8,
    ),
    bars(
      'failed',
      timeline.map((p) => p.failures),
      C.bad,
      0.85,
    ),
    band('failure rate band low', (p) => p.failureInterval?.[0] ?? null, false),
    band(
      `failure rate ${Math.round(model.window.confidence * 100)}% band`,
      (p) => p.failureInterval?.[1] ?? null,
      '-1',
    ),
    {
      type: 'line' as const,
      label: 'failure rate',
      yAxisID: 'rate',
      data: rate,
      borderColor: C.ink,
      backgroundColor: C.ink,
      borderWidth: 1.5,
      pointRadius: 2,
      tension: 0.3,
      spanGaps: true,
      segment: { borderDash: partialSegment },
    },
  ];
  const config: ChartConfiguration<'bar' | 'line', Array<number | null>, string> = {
    type: 'bar',
    data: { labels: timeline.map(label), datasets },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          stacked: true,
          grid: { display: false },
          ticks: { maxRotation: 0, autoSkipPadding: 12 },
        },
        y: {
          stacked: true,
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: 'goal executions' },
        },
        rate: {
          position: 'right',
          min: 0,
          max: rateMax,
          grid: { display: false },
          ticks: { callback: (v) => wholePct(Number(v)) },
          title: { display: true, text: 'failure rate' },
        },
      },
      plugins: {
        legend: {
          position: 'top',
          align: 'end',
          labels: { filter: (item) => item.text !== 'failure rate band low' },
        },
        tooltip: {
          filter: (item) => item.datasetIndex !== 2 && item.datasetIndex !== 3,
          callbacks: {
            title: (items) => {
              const p = timeline[items[0]?.dataIndex ?? 0];
              return p === undefined
                ? ''
                : `${label(p)}${p.partial ? ': partly outside the window' : ''}`;
            },
            label: (ctx: TooltipItem<'bar' | 'line'>) => {
              const p = timeline[ctx.dataIndex]!;
              if (ctx.dataset.yAxisID !== 'rate') return `${ctx.dataset.label}: ${ctx.raw}`;
              if (p.executions === 0) return 'failure rate: no runs';
              const band =
                p.failureInterval === null
                  ? ''
                  : ` (${pct(p.failureInterval[0])} – ${pct(p.failureInterval[1])})`;
              const few = shown(p) ? '' : ', too few runs for a point';
              return `failure rate ${pct(p.failures / p.executions)} of ${p.executions}${band}${few}`;
            },
          },
        },
      },
    },
  };
  new Chart(element<HTMLCanvasElement>('chart-timeline'), config);
}

function ratingsChart(): void {
  const ratings = model.ratings;
  const ratingColors = [C.bad, alpha(C.bad, 0.6), C.warn, alpha(C.good, 0.6), C.good];
  const config: ChartConfiguration<'bar', number[], string> = {
    type: 'bar',
    data: {
      labels: ratings.map((r) => '★'.repeat(r.rating)),
      datasets: [
        {
          label: 'ratings',
          data: ratings.map((r) => r.count),
          backgroundColor: ratings.map((r) => ratingColors[r.rating - 1] ?? C.muted),
          borderRadius: 4,
        },
      ],
    },
    options: {
      scales: {
        x: { grid: { display: false }, ticks: { color: C.warn } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: { legend: { display: false } },
    },
  };
  new Chart(element<HTMLCanvasElement>('chart-ratings'), config);
}

function intentsChart(): void {
  const intents = model.intents.filter(
    (i): i is typeof i & { successRate: number } => i.successRate !== null,
  );
  const config: ChartConfiguration<'bar', number[], string> = {
    type: 'bar',
    data: {
      labels: intents.map((i) => (i.intent === null ? '(none)' : i.intent)),
      datasets: [
        {
          label: 'success rate',
          data: intents.map((i) => i.successRate),
          backgroundColor: intents.map((i) => (i.successRate < 0.8 ? C.warn : C.accent)),
          borderRadius: 4,
        },
      ],
    },
    options: {
      scales: {
        x: { grid: { display: false } },
        y: { min: 0, max: 1, ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (ctx: TooltipItem<'bar'>) =>
              `${pct(ctx.raw as number)} of ${intents[ctx.dataIndex]?.executions ?? 0} goals`,
          },
        },
      },
    },
  };
  new Chart(element<HTMLCanvasElement>('chart-intents'), config);
}

if (model.tools.length === 0) {
  empty('chart-success', 'No tool runs in this window yet.');
  empty('chart-latency', 'No tool runs in this window yet.');
} else {
  successChart(model.tools);
  latencyChart(model.tools);
}
timelineChart(model.timeline);
ratingsChart();
intentsChart();
document.documentElement.dataset.charts = String(Object.keys(Chart.instances).length);
