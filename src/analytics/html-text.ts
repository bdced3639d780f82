import { createRequire } from 'node:module';
import path from 'node:path';

// Control characters (C0 but tab and newlines, DEL, C1) and the bidirectional overrides that make
// a stored name read differently from what it is ("tool\u202eexe.txt").
const CONTROLS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function codeOf(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text made safe for HTML, shared by the static dashboard and the live UI: markup escaped, and
 * control and bidi characters shown as `\uXXXX` instead of acting (as the CLI shows them).
 */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
    .replace(CONTROLS, codeOf);
}

/**
 * JSON that is safe inside a <script> element: no way to close it or to start a comment, and no
 * control or bidi character written raw (as JSON escapes: the data read back is the same).
 */
export function scriptJsonText(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replace(CONTROLS, codeOf);
}

/** Where Chart.js's UMD build is (a dependency): pages use it from here, never from a CDN. */
export function chartJsFile(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(entry), 'chart.umd.min.js');
}
