import { createRequire } from 'node:module';
import path from 'node:path';

/** Text made safe for HTML, shared by the static dashboard and the live UI. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** JSON that is safe inside a <script> element: no way to close it or to start a comment. */
export function scriptJsonText(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** Where Chart.js's UMD build is (a dependency): pages use it from here, never from a CDN. */
export function chartJsFile(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(entry), 'chart.umd.min.js');
}
