import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the compiled browser script may be: next to this module (the built package), or in the
 * repository's build when this module runs from its TypeScript source (tests, a clone).
 */
const CANDIDATES = [
  new URL('./client/dashboard.js', import.meta.url),
  new URL('../../dist/src/analytics/client/dashboard.js', import.meta.url),
];

let script: string | undefined;

/**
 * The dashboard's browser script (src/analytics/client, type-checked by its own tsconfig and
 * bundled into one module by `npm run build:client`), read once, safe to inline in a
 * `<script type="module">` element.
 */
export function dashboardScript(): string {
  if (script === undefined) {
    const found = CANDIDATES.map((url) => fileURLToPath(url)).find((file) => existsSync(file));
    if (found === undefined)
      throw new Error(
        'the dashboard script is not built (src/analytics/client/dashboard.ts): run `npm run build`',
      );
    script = readFileSync(found, 'utf8').replaceAll('</script', '<\\/script');
  }
  return script;
}
