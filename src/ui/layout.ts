import { html, type Html } from './html.js';

export type Section = 'overview' | 'executions' | 'tools' | 'recommendations' | 'jobs' | 'none';

const NAV: Array<[Section, string, string]> = [
  ['overview', '/', 'Overview'],
  ['executions', '/executions', 'Executions'],
  ['tools', '/tools', 'Tools'],
  ['recommendations', '/recommendations', 'Recommendations'],
  ['jobs', '/jobs', 'Jobs'],
];

export interface PageShell {
  title: string;
  section: Section;
  /** user@host:port/db, never the password. */
  database: string;
  body: Html;
  /** Loads Chart.js before the UI script (pages with charts). */
  charts?: boolean;
}

/** The page around every view: navigation, stylesheet, and the one script (no inline code). */
export function layout(page: PageShell): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · dendrite-history</title>
        <link rel="stylesheet" href="/assets/ui.css" />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">dendrite-history</a>
          <nav aria-label="Sections">
            ${NAV.map(
              ([section, href, label]) =>
                html`<a href="${href}" ${section === page.section ? html` aria-current="page"` : ''}
                  >${label}</a
                >`,
            )}
          </nav>
          <span class="db" title="database">${page.database}</span>
        </header>
        <main id="main">${page.body}</main>
        ${page.charts ? html`<script src="/assets/chart.umd.min.js"></script>` : ''}
        <script src="/assets/ui.js"></script>
      </body>
    </html>`;
}
