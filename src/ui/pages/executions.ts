import type { ExecutionPage, FilterChoices } from '../data.js';
import { encodeCursor } from '../filters.js';
import { html, millis, outcome, queryString, timeTag, type Html } from '../html.js';

export interface ExecutionsView {
  page: ExecutionPage;
  /** The filter as the user typed it (query parameters), for the form and the links. */
  params: Record<string, string | null>;
  choices: FilterChoices;
  /** True when this is not the first page. */
  paged: boolean;
}

function select(
  name: string,
  label: string,
  current: string | null,
  options: Array<[string, string]>,
): Html {
  return html`<label
    >${label}<select name="${name}" id="${name}">
      ${options.map(
        ([value, text]) =>
          html`<option value="${value}" ${value === (current ?? '') ? html` selected` : ''}>
            ${text}
          </option>`,
      )}
    </select></label
  >`;
}

/** Keeps the current value selectable even when it is not among the known choices. */
function withCurrent(values: string[], current: string | null): string[] {
  return current === null || values.includes(current) ? values : [current, ...values];
}

export function executionsBody(view: ExecutionsView): Html {
  const p = view.params;
  const form = html`<form class="filters card" method="get" action="/executions" role="search">
    ${select('success', 'Outcome', p.success ?? null, [
      ['', 'any'],
      ['false', 'failed'],
      ['true', 'succeeded'],
    ])}
    ${select('tool', 'Tool used', p.tool ?? null, [
      ['', 'any'],
      ...withCurrent(view.choices.tools, p.tool ?? null).map((t): [string, string] => [t, t]),
    ])}
    ${select('intent', 'Intent', p.intent ?? null, [
      ['', 'any'],
      ...withCurrent(view.choices.intents, p.intent ?? null).map((t): [string, string] => [t, t]),
    ])}
    <label
      >Goal contains
      <input
        type="search"
        name="q"
        id="q"
        value="${p.q ?? ''}"
        maxlength="200"
        placeholder="text in the goal"
    /></label>
    <label
      >Since
      <input
        name="since"
        id="since"
        value="${p.since ?? ''}"
        placeholder="7d or 2026-01-31"
        size="12"
    /></label>
    <label
      >Until
      <input name="until" id="until" value="${p.until ?? ''}" placeholder="2026-02-01" size="12"
    /></label>
    <button class="primary" type="submit">Filter</button>
    <a href="/executions">Clear</a>
  </form>`;
  const rows = view.page.items.map(
    (e) =>
      html`<tr data-nav-item>
        <td>${timeTag(e.createdAt)}</td>
        <td>${outcome(e.success)}</td>
        <td class="goal">
          <a href="/executions/${e.executionId}"
            >${e.goalText.length > 160 ? `${e.goalText.slice(0, 160)}…` : e.goalText}</a
          >${
            e.error === null
              ? ''
              : html`<div class="error-text">
                  ${e.error.length > 200 ? `${e.error.slice(0, 200)}…` : e.error}
                </div>`
          }
        </td>
        <td class="opt">${e.intent ?? html`<span class="muted">–</span>`}</td>
        <td class="opt">
          <span class="tools-used"
            >${e.tools.map(
              (t) => html`<span class="t${t.success ? '' : ' fail'}">${t.toolName}</span>`,
            )}</span
          >
        </td>
        <td class="num">${millis(e.durationMs)}</td>
      </tr>`,
  );
  const next = view.page.next;
  return html`<h1>Executions</h1>
    ${form}
    <p class="hint">
      Newest first. Keys: <kbd>j</kbd>/<kbd>k</kbd> or <kbd>↓</kbd>/<kbd>↑</kbd> move between rows,
      <kbd>Enter</kbd> opens one, <kbd>/</kbd> searches.
      <a href="/api/executions${queryString(p)}">JSON</a>
    </p>
    <div class="card table-wrap">
      ${
        rows.length === 0
          ? html`<p class="muted">No execution matches these filters.</p>`
          : html`<table data-nav-list aria-label="Executions">
              <thead>
                <tr>
                  <th>when (UTC)</th>
                  <th>outcome</th>
                  <th>goal</th>
                  <th class="opt">intent</th>
                  <th class="opt">tools</th>
                  <th class="num">took</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
    </div>
    <nav class="pager" aria-label="Pages">
      ${view.paged ? html`<a href="/executions${queryString(p)}">⇤ Newest</a>` : ''}
      ${next === null ? html`<span class="muted">End of the list</span>` : html`<a rel="next" href="/executions${queryString({ ...p, after: encodeCursor(next) })}">Older →</a>`}
    </nav>`;
}
