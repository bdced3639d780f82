import type { JsonValue } from '../json/sanitize.js';
import { html, type Html } from './html.js';

function scalar(value: JsonValue): Html {
  if (typeof value === 'string') return html`<span class="s">${JSON.stringify(value)}</span>`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return html`<span class="n">${String(value)}</span>`;
  return html`<span class="muted">null</span>`;
}

function node(key: string | null, value: JsonValue, depth: number): Html {
  const label = key === null ? '' : html`<span class="k">${key}</span>: `;
  if (value === null || typeof value !== 'object')
    return html`<div class="leaf">${label}${scalar(value)}</div>`;
  const entries: Array<[string, JsonValue]> = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return html`<div class="leaf">${label}${open}${close}</div>`;
  return html`<details${depth < 2 ? html` open` : ''}><summary>${label}${open} ${entries.length} ${Array.isArray(value) ? 'items' : 'keys'} ${close}</summary>${entries.map(
    ([k, v]) => node(k, v, depth + 1),
  )}</details>`;
}

/**
 * A stored JSON value as a collapsible tree (native <details>, no script), shown as stored:
 * payloads were redacted when they were written.
 */
export function jsonTree(value: JsonValue | null, label: string, open = true): Html {
  if (value === null) return html`<span class="muted">${label}: none recorded</span>`;
  return html`<details class="json" ${open ? html` open` : ''}>
    <summary>${label}</summary>
    <div class="json-tree">${node(null, value, 0)}</div>
  </details>`;
}
