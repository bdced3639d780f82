/** The two small charts: how users rated executions, and success rate per intent. */
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import { C, Chart, alpha, element, model, pct } from './page.js';

export function ratingsChart(): void {
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

export function intentsChart(): void {
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
