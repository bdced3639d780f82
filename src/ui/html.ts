/**
 * HTML built from tagged templates that escape every interpolated value unless it is already
 * `Html` (built the same way): text from the database can never become markup.
 */

import { escapeHtml, scriptJsonText } from '../analytics/html-text.js';

export { escapeHtml };

/** A piece of markup that is safe to insert as is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: values escaped, nested Html kept, arrays joined, null/false dropped. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup made by this code (never user text). */
export function trusted(text: string): Html {
  return new Html(text);
}

/** JSON that is safe inside a <script type="application/json"> element. */
export function scriptJson(value: unknown): Html {
  return new Html(scriptJsonText(value));
}

export const percent = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)}%`;

export const millis = (v: number | null | undefined): string =>
  v === null || v === undefined
    ? '–'
    : v >= 1000
      ? `${(v / 1000).toFixed(2)} s`
      : `${Math.round(v)} ms`;

/** UTC, to the second: the same instant reads the same for every viewer and in the CLI. */
export function when(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const d = value instanceof Date ? value : new Date(value);
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** A <time> element: UTC text, machine-readable datetime. */
export function timeTag(value: Date | null | undefined): Html {
  if (value === null || value === undefined) return html`–`;
  return html`<time datetime="${value.toISOString()}">${when(value)}</time>`;
}

export function outcome(success: boolean | null): Html {
  if (success === null) return html`<span class="badge pending">pending</span>`;
  return success
    ? html`<span class="badge ok">ok</span>`
    : html`<span class="badge fail">failed</span>`;
}

/** A query string from the set values only (`?a=1&b=x`), or '' when none is set. */
export function queryString(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
