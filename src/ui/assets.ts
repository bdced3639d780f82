import { readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { chartJsFile } from '../analytics/html-text.js';
import { UI_CLIENT_SCRIPT } from './client/ui-client.js';
import type { UiEnv } from './security.js';
import { UI_STYLES } from './styles.js';

let chartJs: Promise<string> | undefined;

/** Chart.js's UMD build from node_modules (a dependency): served from here, never a CDN. */
function chartJsSource(): Promise<string> {
  chartJs ??= readFile(chartJsFile(), 'utf8');
  return chartJs;
}

/** /assets/*: the stylesheet, the UI script and Chart.js. */
export function registerAssets(app: Hono<UiEnv>): void {
  const serve =
    (type: string, body: () => string | Promise<string>) =>
    async (c: { body: (data: string, status: 200, headers: Record<string, string>) => Response }) =>
      c.body(await body(), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=300' });
  app.get(
    '/assets/ui.css',
    serve('text/css; charset=utf-8', () => UI_STYLES),
  );
  app.get(
    '/assets/ui.js',
    serve('text/javascript; charset=utf-8', () => UI_CLIENT_SCRIPT),
  );
  app.get('/assets/chart.umd.min.js', serve('text/javascript; charset=utf-8', chartJsSource));
}
