/**
 * The timeline: goal executions per bucket (succeeded and failed stacked), the failure rate with its
 * Wilson band, partial buckets at the window's edges drawn faint and dashed.
 */
import type {
  ChartConfiguration,
  ChartDataset,
  ScriptableLineSegmentContext,
  TooltipItem,
} from 'chart.js';
import type { TimelinePoint } from '../report-types.js';
import { C, Chart, MIN_RUNS_FOR_RATE, alpha, element, model, nice, pct, wholePct } from './page.js';

export function timelineChart(timeline: TimelinePoint[]): void {
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
