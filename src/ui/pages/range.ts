import { RANGES, type TimeRange } from '../filters.js';
import { html, type Html } from '../html.js';

/** Links to the preset ranges and a form for a custom start: plain GET, bookmarkable. */
export function rangePicker(path: string, range: TimeRange): Html {
  const custom = range.name === 'custom' ? range.since.toISOString().slice(0, 16) : '';
  return html`<nav class="tabs" aria-label="Time range">
    ${Object.keys(RANGES).map(
      (name) =>
        html`<a
          href="${path}?range=${name}"
          ${range.name === name ? html` aria-current="page"` : ''}
          >last ${name}</a
        >`,
    )}
    <form method="get" action="${path}" class="filters">
      <input type="hidden" name="range" value="custom" />
      <label
        >Custom, since
        <input name="since" value="${custom}" placeholder="2026-01-31 or 3d" size="16"
      /></label>
      <button type="submit" ${range.name === 'custom' ? html` aria-current="page"` : ''}>
        Show
      </button>
    </form>
  </nav>`;
}
