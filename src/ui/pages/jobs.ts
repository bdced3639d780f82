import type { JsonValue } from '../../json/sanitize.js';
import type { JobRunRecord } from '../../store/types.js';
import { html, millis, timeTag, type Html } from '../html.js';
import { jsonTree } from '../json-tree.js';

/** The countable parts of a summary (numbers, list lengths), as the CLI's history shows them. */
function summaryLine(summary: JsonValue | null): string {
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return '';
  return Object.entries(summary)
    .filter(([, v]) => typeof v === 'number' || Array.isArray(v))
    .map(
      ([k, v]) =>
        `${k} ${Array.isArray(v) ? v.length : Number.isInteger(v) ? v : (v as number).toFixed(2)}`,
    )
    .join(' · ');
}

function statusBadge(status: JobRunRecord['status']): Html {
  const kind = status === 'succeeded' ? 'ok' : status === 'running' ? 'neutral' : 'fail';
  return html`<span class="badge ${kind}">${status}</span>`;
}

export function jobsBody(
  runs: JobRunRecord[],
  jobNames: readonly string[],
  running: ReadonlySet<string>,
  csrf: string,
  notice: string | null,
): Html {
  return html`<h1>Jobs</h1>
    ${notice === null ? '' : html`<p class="notice" role="status">${notice}</p>`}
    <div class="card">
      <h2>Run now</h2>
      <p class="hint">
        Runs the job once on this server, recorded as a manual run (like
        <code>dendrite-history jobs run &lt;job&gt;</code>). Reload to see it finish.
      </p>
      <div class="actions">
        ${jobNames.map(
          (name) =>
            html`<form method="post" action="/jobs/${name}/run">
              <input type="hidden" name="_csrf" value="${csrf}" />
              <button type="submit" class="primary" ${running.has(name) ? html` disabled` : ''}>
                ${running.has(name) ? `${name} is running…` : `Run ${name}`}
              </button>
            </form>`,
        )}
      </div>
    </div>
    <h2>History</h2>
    <p class="hint">Newest first. <a href="/api/jobs">JSON</a></p>
    <div class="card table-wrap">
      ${
        runs.length === 0
          ? html`<p class="muted">No job has run yet.</p>`
          : html`<table data-nav-list aria-label="Job runs">
              <thead>
                <tr>
                  <th class="num">id</th>
                  <th>job</th>
                  <th>trigger</th>
                  <th>status</th>
                  <th>started (UTC)</th>
                  <th class="num">took</th>
                  <th class="opt">instance</th>
                  <th>summary or error</th>
                </tr>
              </thead>
              <tbody>
                ${runs.map(
                  (r) =>
                    html`<tr data-nav-item tabindex="-1">
                      <td class="num">${r.id}</td>
                      <td>${r.jobName}</td>
                      <td>${r.trigger}</td>
                      <td>${statusBadge(r.status)}</td>
                      <td>${timeTag(r.startedAt)}</td>
                      <td class="num">
                        ${r.finishedAt === null ? '–' : millis(r.finishedAt.getTime() - r.startedAt.getTime())}
                      </td>
                      <td class="opt">${r.instanceId}</td>
                      <td>
                        ${r.error === null ? summaryLine(r.summary) : html`<pre class="error-text">${r.error}</pre>`}${r.summary === null ? '' : jsonTree(r.summary, 'summary', false)}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}
