import type { ToolStatisticsRecord } from '../../store/types.js';
import { chart, COLORS, RATE_AXIS } from '../charts.js';
import type { ToolDetail } from '../data.js';
import type { TimeRange } from '../filters.js';
import { html, millis, outcome, percent, queryString, timeTag, type Html } from '../html.js';
import { jsonTree } from '../json-tree.js';
import { rangePicker } from './range.js';
import { recommendationRows } from './recommendations.js';
import { registrySection, statusBadge } from './tool-registry.js';

export function toolsBody(tools: ToolStatisticsRecord[]): Html {
  return html`<h1>Tools</h1>
    <p class="hint">
      From tool_statistics as of its last refresh (the hourly job). <a href="/api/tools">JSON</a>
    </p>
    <div class="card table-wrap">
      ${
        tools.length === 0
          ? html`<p class="muted">
              No statistics yet: run the hourly-statistics job (Jobs → run now).
            </p>`
          : html`<table data-nav-list aria-label="Tools">
              <thead>
                <tr>
                  <th>tool</th>
                  <th class="num">runs</th>
                  <th class="num">failed</th>
                  <th class="num">success</th>
                  <th class="num opt">avg</th>
                  <th class="opt">last used (UTC)</th>
                </tr>
              </thead>
              <tbody>
                ${tools.map(
                  (t) =>
                    html`<tr data-nav-item>
                      <td><a href="/tools/${encodeURIComponent(t.toolName)}">${t.toolName}</a></td>
                      <td class="num">${t.totalExecutions.toLocaleString('en')}</td>
                      <td class="num">${t.failedExecutions.toLocaleString('en')}</td>
                      <td class="num">${percent(t.successRate)}</td>
                      <td class="num opt">${millis(t.avgDurationMs)}</td>
                      <td class="opt">${timeTag(t.lastUsed)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}

function label(bucket: Date, unit: 'hour' | 'day'): string {
  const iso = bucket.toISOString();
  return unit === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

function charts(detail: ToolDetail): Html {
  const labels = detail.series.map((p) => label(p.bucket, detail.window.bucket));
  return html`<div class="grid">
    <div class="card">
      <h2>Success rate with its 95% Wilson band</h2>
      ${chart('chart-tool-rate', 'success rate over time', {
        type: 'line',
        data: {
          labels,
          datasets: [
            {
              label: '',
              data: detail.series.map((p) => p.interval[0]),
              borderWidth: 0,
              pointRadius: 0,
              fill: false,
            },
            {
              label: '95% band',
              data: detail.series.map((p) => p.interval[1]),
              borderWidth: 0,
              pointRadius: 0,
              backgroundColor: COLORS.band,
              fill: '-1',
            },
            {
              label: 'success rate',
              data: detail.series.map((p) => p.successRate),
              borderColor: COLORS.good,
              backgroundColor: COLORS.good,
              pointRadius: 2,
            },
          ],
        },
        options: { scales: { y: RATE_AXIS } },
      })}
    </div>
    <div class="card">
      <h2>Latency p50 / p95</h2>
      ${chart('chart-tool-latency', 'latency over time', {
        type: 'line',
        data: {
          labels,
          datasets: [
            {
              label: 'p50 ms',
              data: detail.series.map((p) => p.p50Ms),
              borderColor: COLORS.accent,
              backgroundColor: COLORS.accent,
              pointRadius: 2,
            },
            {
              label: 'p95 ms',
              data: detail.series.map((p) => p.p95Ms),
              borderColor: COLORS.p95,
              backgroundColor: COLORS.p95,
              pointRadius: 2,
            },
          ],
        },
        options: { scales: { y: { beginAtZero: true } } },
      })}
    </div>
    <div class="card">
      <h2>Volume</h2>
      ${chart('chart-tool-volume', 'runs over time', {
        type: 'bar',
        data: {
          labels,
          datasets: [
            {
              label: 'succeeded',
              data: detail.series.map((p) => p.successes),
              backgroundColor: COLORS.good,
              stack: 'runs',
            },
            {
              label: 'failed',
              data: detail.series.map((p) => p.runs - p.successes),
              backgroundColor: COLORS.bad,
              stack: 'runs',
            },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
      })}
    </div>
  </div>`;
}

export function toolBody(detail: ToolDetail, range: TimeRange, csrf: string): Html {
  const s = detail.statistics;
  const path = `/tools/${encodeURIComponent(detail.toolName)}`;
  return html`<p><a href="/tools">← Tools</a></p>
    <h1>${detail.toolName}</h1>
    <p>
      ${detail.registry === null ? statusBadge(null) : statusBadge(detail.registry.status, detail.registry.promoted)}
      <a href="#registry">registry</a>
    </p>
    <div class="tiles">
      <div class="tile">
        <b>${s === null ? '–' : s.totalExecutions.toLocaleString('en')}</b
        ><span>runs (all time)</span>
      </div>
      <div class="tile"><b>${percent(s?.successRate)}</b><span>success (all time)</span></div>
      <div class="tile"><b>${millis(s?.avgDurationMs)}</b><span>average duration</span></div>
      <div class="tile"><b>${timeTag(s?.lastUsed ?? null)}</b><span>last used</span></div>
    </div>
    <p>
      <a href="/executions${queryString({ tool: detail.toolName, success: 'false' })}"
        >Failed executions that used it</a
      >
      ·
      <a href="/executions${queryString({ tool: detail.toolName })}">all executions that used it</a>
      · <a href="/api${path}">JSON</a>
    </p>
    ${rangePicker(path, range)}
    ${detail.series.length === 0 ? html`<p class="card muted">No runs in this range.</p>` : charts(detail)}
    <div class="grid">
      <div class="card table-wrap">
        <h2>Most frequent errors</h2>
        ${
          detail.errors.length === 0
            ? html`<p class="muted">No failed run in this range.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>message</th>
                    <th class="num">count</th>
                    <th>last seen</th>
                  </tr>
                </thead>
                <tbody>
                  ${detail.errors.map(
                    (e) =>
                      html`<tr>
                        <td>
                          <pre class="error-text">${e.message}</pre>
                          <a href="/executions/${e.exampleExecutionId}">latest example</a>
                        </td>
                        <td class="num">${e.count.toLocaleString('en')}</td>
                        <td>${timeTag(e.lastSeen)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </div>
      <div class="card table-wrap">
        <h2>Recent runs</h2>
        ${
          detail.recentRuns.length === 0
            ? html`<p class="muted">No runs recorded.</p>`
            : html`<table data-nav-list aria-label="Recent runs">
                <thead>
                  <tr>
                    <th>when (UTC)</th>
                    <th>outcome</th>
                    <th>goal</th>
                    <th class="num">took</th>
                  </tr>
                </thead>
                <tbody>
                  ${detail.recentRuns.map(
                    (r) =>
                      html`<tr data-nav-item>
                        <td>${timeTag(r.createdAt)}</td>
                        <td>${outcome(r.success)}</td>
                        <td class="goal">
                          <a href="/executions/${r.executionId}"
                            >${r.goalText.length > 120 ? `${r.goalText.slice(0, 120)}…` : r.goalText}</a
                          >${r.error === null ? '' : html`<div class="error-text">${r.error.length > 160 ? `${r.error.slice(0, 160)}…` : r.error}</div>`}
                        </td>
                        <td class="num">${millis(r.durationMs)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </div>
    </div>
    ${registrySection(detail.registry, detail.statusChanges)}
    <h2>Lifecycle recommendations</h2>
    <div class="card table-wrap">
      ${
        detail.recommendations.length === 0
          ? html`<p class="muted">None for this tool.</p>`
          : recommendationRows(detail.recommendations, csrf, path)
      }
    </div>
    ${
      detail.creations.length === 0
        ? ''
        : html`<h2>Generated by the AI</h2>
            ${detail.creations.map(
              (c) =>
                html`<div class="card">
                  <dl class="facts">
                    <dt>created</dt>
                    <dd>${timeTag(c.createdAt)}</dd>
                    <dt>validation</dt>
                    <dd>
                      ${c.validationPassed ? html`<span class="badge ok">passed</span>` : html`<span class="badge fail">failed</span>`}
                    </dd>
                    <dt>for the goal</dt>
                    <dd>${c.goalText ?? '–'}</dd>
                  </dl>
                  ${c.validationErrors === null ? '' : jsonTree(c.validationErrors, 'validation errors')}
                  ${jsonTree(c.metadata, 'metadata')}
                  <details class="json" ${detail.creations.length === 1 ? html` open` : ''}>
                    <summary>generated code</summary>
                    <pre class="code"><code>${c.generatedCode}</code></pre>
                  </details>
                </div>`,
            )}`
    }`;
}
