/** The per-tool charts: success rate with its interval, and p50/p95 latency on a log axis. */
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { ToolReportRow } from '../report-types.js';
import {
  C,
  Chart,
  FAILING_CEILING,
  WEAK_RATE,
  alpha,
  element,
  legend,
  model,
  ms,
  nice,
  pct,
  rateColor,
  sizeFor,
  toolLabel,
} from './page.js';

export function successChart(tools: ToolReportRow[]): void {
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

export function latencyChart(tools: ToolReportRow[]): void {
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
