import type { ReportModel } from '../../analytics/report-model.js';
import { chart, COLORS, RATE_AXIS } from '../charts.js';
import type { TimeRange } from '../filters.js';
import { html, millis, percent, queryString, type Html } from '../html.js';
import { rangePicker } from './range.js';
import { statusBadge } from './tool-registry.js';

function tile(value: string, label: string): Html {
  return html`<div class="tile"><b>${value}</b><span>${label}</span></div>`;
}

function bucketLabel(iso: string, unit: 'hour' | 'day'): string {
  return unit === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** The dashboard on live data: the same report model as `dendrite-history report`. */
export function overviewBody(model: ReportModel, range: TimeRange): Html {
  const t = model.totals;
  const tools = model.tools.slice(0, 30);
  const sinceParam = range.name === 'custom' ? range.since.toISOString() : range.name;
  return html`<h1>Overview</h1>
    ${rangePicker('/', range)}
    <div class="tiles">
      ${tile(t.executions.toLocaleString('en'), 'executions')}
      ${tile(percent(t.successRate), 'success rate')}
      ${tile(t.toolRuns.toLocaleString('en'), 'tool runs')} ${tile(String(t.tools), 'tools used')}
      ${tile(t.ratings.toLocaleString('en'), 'ratings')}
      ${tile(t.averageRating === null ? '–' : t.averageRating.toFixed(2), 'average rating')}
    </div>
    <div class="grid">
      <div class="card">
        <h2>Executions and failures</h2>
        ${chart('chart-timeline', 'executions over time', {
          type: 'bar',
          data: {
            labels: model.timeline.map((p) => bucketLabel(p.bucket, model.window.bucket)),
            datasets: [
              {
                label: 'succeeded or pending',
                data: model.timeline.map((p) => p.executions - p.failures),
                backgroundColor: COLORS.accent,
                stack: 'e',
              },
              {
                label: 'failed',
                data: model.timeline.map((p) => p.failures),
                backgroundColor: COLORS.bad,
                stack: 'e',
              },
            ],
          },
          options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
        })}
      </div>
      <div class="card">
        <h2>Success rate per tool (95% interval)</h2>
        ${chart('chart-tools', 'success rate per tool', {
          type: 'bar',
          data: {
            labels: tools.map((r) => r.toolName),
            datasets: [
              {
                label: '95% interval',
                data: tools.map((r) => r.interval),
                backgroundColor: 'rgba(74,116,216,0.35)',
                borderColor: COLORS.accent,
                borderWidth: 1,
              },
              {
                type: 'line',
                label: 'success rate',
                data: tools.map((r) => r.successRate),
                borderColor: COLORS.good,
                backgroundColor: COLORS.good,
                showLine: false,
                pointRadius: 3,
              },
            ],
          },
          options: { indexAxis: 'x', scales: { y: RATE_AXIS } },
        })}
      </div>
      <div class="card">
        <h2>Latency per tool</h2>
        ${chart('chart-latency', 'latency per tool', {
          type: 'bar',
          data: {
            labels: tools.map((r) => r.toolName),
            datasets: [
              { label: 'p50 ms', data: tools.map((r) => r.p50Ms), backgroundColor: COLORS.accent },
              { label: 'p95 ms', data: tools.map((r) => r.p95Ms), backgroundColor: COLORS.p95 },
            ],
          },
          options: { scales: { y: { beginAtZero: true } } },
        })}
      </div>
      <div class="card table-wrap">
        <h2>Low performers</h2>
        ${
          model.lowPerformers.items.length === 0
            ? html`<p class="muted">None: no tool's whole interval lies below the bar.</p>`
            : html`<table data-nav-list aria-label="Low performers">
                <thead>
                  <tr>
                    <th>tool</th>
                    <th class="num">runs</th>
                    <th class="num">success</th>
                    <th class="num">95% interval</th>
                  </tr>
                </thead>
                <tbody>
                  ${model.lowPerformers.items.map(
                    (r) =>
                      html`<tr data-nav-item>
                        <td>
                          <a href="/tools/${encodeURIComponent(r.toolName)}">${r.toolName}</a>
                        </td>
                        <td class="num">${r.total.toLocaleString('en')}</td>
                        <td class="num">${percent(r.successRate)}</td>
                        <td class="num">${percent(r.interval[0])} – ${percent(r.interval[1])}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
        <p class="hint">
          Source:
          ${model.lowPerformers.source === 'daily-low-performers' ? 'the newest daily-low-performers run' : 'the intervals above'}.
          <a href="/recommendations"
            >${model.recommendations.items.length} open recommendation(s)</a
          >
          ·
          <a href="/executions${queryString({ success: 'false', since: sinceParam })}"
            >failed executions in this range</a
          >
        </p>
      </div>
    </div>
    <h2>Tools in this range</h2>
    <div class="card table-wrap">
      ${
        model.tools.length === 0
          ? html`<p class="muted">No tool ran in this range.</p>`
          : html`<table data-nav-list aria-label="Tools in range">
              <thead>
                <tr>
                  <th>tool</th>
                  <th class="num">runs</th>
                  <th class="num">success</th>
                  <th class="num opt">95% interval</th>
                  <th class="num">p50</th>
                  <th class="num">p95</th>
                </tr>
              </thead>
              <tbody>
                ${model.tools.map(
                  (r) =>
                    html`<tr data-nav-item>
                      <td>
                        <a
                          href="/tools/${encodeURIComponent(r.toolName)}${range.name === 'custom' ? '' : `?range=${range.name}`}"
                          >${r.toolName}</a
                        >${r.generated ? html` <span class="badge neutral">AI</span>` : ''}${
                          (r.status !== null && r.status !== 'active') || r.promoted
                            ? html` ${statusBadge(r.status, r.promoted)}`
                            : ''
                        }
                      </td>
                      <td class="num">${r.total.toLocaleString('en')}</td>
                      <td class="num">${percent(r.successRate)}</td>
                      <td class="num opt">${percent(r.interval[0])} – ${percent(r.interval[1])}</td>
                      <td class="num">${millis(r.p50Ms)}</td>
                      <td class="num">${millis(r.p95Ms)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}
