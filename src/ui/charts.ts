import { html, scriptJson, type Html } from './html.js';

/** Series colours, readable on the light and the dark background. */
export const COLORS = {
  good: '#2e9b5f',
  bad: '#d0493e',
  accent: '#4a74d8',
  p95: '#c98a2b',
  band: 'rgba(46,155,95,0.18)',
  muted: '#8a909a',
} as const;

/** Chart.js options every chart shares: no animation (the page is complete when it loads). */
const BASE_OPTIONS = {
  animation: false,
  maintainAspectRatio: false,
  interaction: { mode: 'index', intersect: false },
  plugins: { legend: { labels: { boxWidth: 12 } } },
};

/**
 * A canvas and its Chart.js configuration as a JSON block the client script reads (no inline
 * code, so the Content-Security-Policy can forbid it). `options` merge over the shared ones.
 */
export function chart(
  id: string,
  label: string,
  config: { type: string; data: unknown; options?: Record<string, unknown> },
): Html {
  const full = { ...config, options: { ...BASE_OPTIONS, ...config.options } };
  return html`<div class="chart"><canvas id="${id}" role="img" aria-label="${label}"></canvas></div>
    <script type="application/json" data-chart="${id}">
      ${scriptJson(full)}
    </script>`;
}

/** A y axis from 0 to 100% for rates given as fractions. */
export const RATE_AXIS = {
  min: 0,
  max: 1,
  ticks: { format: { style: 'percent' } },
};
