import type { RecommendationRecord, RecommendationStatus } from '../../store/types.js';
import { html, timeTag, type Html } from '../html.js';
import { jsonTree } from '../json-tree.js';

/** Accept and dismiss as plain forms (work without script), with the CSRF token. */
function actions(r: RecommendationRecord, csrf: string, back: string): Html {
  if (r.status !== 'open') return html`<span class="muted">–</span>`;
  return html`<div class="actions">
    ${(['accept', 'dismiss'] as const).map(
      (verb) =>
        html`<form method="post" action="/recommendations/${r.id}/${verb}">
          <input type="hidden" name="_csrf" value="${csrf}" /><input
            type="hidden"
            name="back"
            value="${back}"
          />
          <button
            type="submit"
            ${verb === 'accept' ? html` class="primary"` : ''}
            aria-label="${verb} recommendation ${r.id} (${r.action} ${r.toolName})"
          >
            ${verb === 'accept' ? 'Accept' : 'Dismiss'}
          </button>
        </form>`,
    )}
  </div>`;
}

function statusBadge(status: RecommendationStatus): Html {
  const kind = status === 'accepted' ? 'ok' : status === 'open' ? 'neutral' : 'pending';
  return html`<span class="badge ${kind}" data-status="${status}">${status}</span>`;
}

/** The recommendations table (also on the tool page). `back` is where a decision returns to. */
export function recommendationRows(
  records: RecommendationRecord[],
  csrf: string,
  back: string,
): Html {
  return html`<table data-nav-list aria-label="Recommendations">
    <thead>
      <tr>
        <th class="num">id</th>
        <th>action</th>
        <th>tool</th>
        <th>status</th>
        <th>reason and evidence</th>
        <th class="opt">updated (UTC)</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${records.map(
        (r) =>
          html`<tr data-nav-item id="recommendation-${r.id}">
            <td class="num">${r.id}</td>
            <td><b>${r.action}</b></td>
            <td><a href="/tools/${encodeURIComponent(r.toolName)}">${r.toolName}</a></td>
            <td>${statusBadge(r.status)}</td>
            <td>${r.reason}${jsonTree(r.evidence, 'evidence', false)}</td>
            <td class="opt">${timeTag(r.updatedAt)}</td>
            <td>${actions(r, csrf, back)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

const STATUS_TABS: Array<[string, string]> = [
  ['open', 'Open'],
  ['accepted', 'Accepted'],
  ['dismissed', 'Dismissed'],
  ['expired', 'Expired'],
  ['all', 'All'],
];

export function recommendationsBody(
  records: RecommendationRecord[],
  status: RecommendationStatus | null,
  csrf: string,
  notice: string | null,
): Html {
  const current = status ?? 'all';
  return html`<h1>Recommendations</h1>
    ${notice === null ? '' : html`<p class="notice" role="status">${notice}</p>`}
    <nav class="tabs" aria-label="Status">
      ${STATUS_TABS.map(
        ([value, label]) =>
          html`<a
            href="/recommendations?status=${value}"
            ${value === current ? html` aria-current="page"` : ''}
            >${label}</a
          >`,
      )}<a href="/api/recommendations?status=${current}">JSON</a>
    </nav>
    <p class="hint">
      From the weekly lifecycle job. Accept when you applied one, dismiss when you will not: the
      same change as <code>dendrite-history recommendations accept|dismiss &lt;id&gt;</code>.
    </p>
    <div class="card table-wrap">
      ${
        records.length === 0
          ? html`<p class="muted">No ${status ?? ''} recommendation.</p>`
          : recommendationRows(records, csrf, `/recommendations?status=${current}`)
      }
    </div>`;
}
