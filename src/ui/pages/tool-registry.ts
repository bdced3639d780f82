import type { ToolRecord, ToolStatus, ToolStatusChangeRecord } from '../../discovery/types.js';
import { html, timeTag, type Html } from '../html.js';

const STATUS_CLASS: Record<ToolStatus, string> = {
  active: 'ok',
  deprecated: 'pending',
  archived: 'fail',
};

/** A tool's registry status as a badge (plus "promoted"), or "unregistered" when it has none. */
export function statusBadge(status: ToolStatus | null, promoted = false): Html {
  if (status === null) return html`<span class="badge neutral">unregistered</span>`;
  return html`<span class="badge ${STATUS_CLASS[status]}" data-status="${status}">${status}</span>${
      promoted ? html` <span class="badge ok">promoted</span>` : ''
    }`;
}

function statusChanges(changes: ToolStatusChangeRecord[]): Html {
  if (changes.length === 0) return html`<p class="muted">No status change recorded.</p>`;
  return html`<table aria-label="Status changes">
    <thead>
      <tr>
        <th>when (UTC)</th>
        <th>change</th>
        <th>by</th>
        <th>why</th>
      </tr>
    </thead>
    <tbody>
      ${changes.map(
        (c) =>
          html`<tr>
            <td>${timeTag(c.createdAt)}</td>
            <td>${c.fromStatus ?? 'new'} → ${statusBadge(c.toStatus, c.promoted)}</td>
            <td>${c.changedBy}</td>
            <td>
              ${c.reason ?? ''}${
                c.recommendationId === null
                  ? ''
                  : html` <a href="/recommendations?status=accepted"
                      >recommendation #${c.recommendationId}</a
                    >`
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The tool's entry in the registry (migration 0008): status, origin, version, and who changed its
 * status when and why. A tool seen in history but never registered says so.
 */
export function registrySection(entry: ToolRecord | null, changes: ToolStatusChangeRecord[]): Html {
  return html`<h2>Registry</h2>
    <div class="card table-wrap" id="registry">
      ${
        entry === null
          ? html`<p>
              ${statusBadge(null)} Seen in history, not in the tool registry (<code
                >store.registerTools</code
              >
              adds it).
            </p>`
          : html`<dl class="facts">
              <dt>status</dt>
              <dd>${statusBadge(entry.status, entry.promoted)}</dd>
              <dt>origin</dt>
              <dd>
                ${entry.origin ?? '–'}${
                  entry.creationEventId === null
                    ? ''
                    : html` (creation event #${entry.creationEventId})`
                }
              </dd>
              <dt>version</dt>
              <dd>${entry.version ?? '–'}</dd>
              <dt>registered</dt>
              <dd>${timeTag(entry.createdAt)} · updated ${timeTag(entry.updatedAt)}</dd>
              <dt>description</dt>
              <dd>${entry.description === '' ? '–' : entry.description}</dd>
            </dl>`
      }
      ${statusChanges(changes)}
    </div>`;
}
