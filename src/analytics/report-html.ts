import { readFileSync } from 'node:fs';
import type { JsonValue } from '../json/sanitize.js';
import { chartJsFile, escapeHtml, scriptJsonText as scriptJson } from './html-text.js';
import { dashboardScript } from './report-client.js';
import type { ReportModel } from './report-model.js';

let chartJsSource: string | undefined;

/** Chart.js's UMD build from node_modules, read once: the page must work with no network. */
function chartJs(): string {
  if (chartJsSource === undefined) {
    const source = readFileSync(chartJsFile(), 'utf8');
    chartJsSource = source.replaceAll('</script', '<\\/script');
  }
  return chartJsSource;
}

const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
const ms = (v: number | null): string =>
  v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
const when = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, 'Z');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function formatEvidenceValue(key: string, value: JsonValue): string {
  // A missing value reads as such, never as a raw "null": a date that never happened is "never".
  if (value === null) return /(^last|used|at)$|^last/i.test(key) ? 'never' : '–';
  if (typeof value === 'number') {
    if (/rate|share|ratio|drop/i.test(key) && value >= -1 && value <= 1) return pct(value);
    if (/ms$/i.test(key)) return ms(value);
    return Number.isInteger(value) ? String(value) : value.toFixed(3);
  }
  if (typeof value === 'string' && ISO_DATE.test(value)) return when(value);
  if (Array.isArray(value)) {
    if (value.length === 2 && value.every((v) => typeof v === 'number' && v >= 0 && v <= 1))
      return `${pct(value[0] as number)} – ${pct(value[1] as number)}`;
    return value.map((v) => formatEvidenceValue(key, v)).join(', ');
  }
  if (value !== null && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k} ${formatEvidenceValue(k, v)}`)
      .join(' · ');
  return String(value);
}

function evidenceHtml(evidence: JsonValue): string {
  if (evidence === null || typeof evidence !== 'object' || Array.isArray(evidence))
    return `<span class="pill">${escapeHtml(formatEvidenceValue('', evidence))}</span>`;
  return Object.entries(evidence)
    .map(([key, value]) => {
      const nested = value !== null && typeof value === 'object' && !Array.isArray(value);
      return `<span class="pill${nested ? ' block' : ''}"><b>${escapeHtml(key)}</b> ${escapeHtml(formatEvidenceValue(key, value))}</span>`;
    })
    .join(' ');
}

/** The countable parts of a job summary: numbers and list lengths (dates and text left out). */
function summaryText(summary: JsonValue | null): string {
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return '';
  return Object.entries(summary)
    .filter(([, value]) => typeof value === 'number' || Array.isArray(value))
    .map(
      ([key, value]) =>
        `${key} ${Array.isArray(value) ? value.length : formatEvidenceValue(key, value)}`,
    )
    .join(' · ');
}

function recommendationsSection(model: ReportModel): string {
  const { available, items } = model.recommendations;
  if (!available)
    return '<p class="empty">The learning loop\'s tables are not migrated yet: run <code>dendrite-history migrate</code>.</p>';
  if (items.length === 0)
    return '<p class="empty">No open recommendations. The weekly lifecycle job writes them (<code>dendrite-history jobs run weekly-tool-lifecycle</code>).</p>';
  const rows = items
    .map(
      (r) => `<tr>
        <td class="num id">#${escapeHtml(r.id)}</td>
        <td><span class="badge ${escapeHtml(r.action)}">${escapeHtml(r.action)}</span></td>
        <td class="tool">${escapeHtml(r.toolName)}</td>
        <td>${escapeHtml(r.reason)}<div class="evidence">${evidenceHtml(r.evidence)}</div></td>
      </tr>`,
    )
    .join('');
  return `<table class="recommendations"><thead><tr><th class="num">id</th><th>action</th><th>tool</th><th>why, and the evidence</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function jobsSection(model: ReportModel): string {
  const { available, items } = model.jobs;
  if (!available)
    return '<p class="empty">The learning loop\'s tables are not migrated yet: run <code>dendrite-history migrate</code>.</p>';
  if (items.length === 0)
    return '<p class="empty">No job has run yet (<code>dendrite-history jobs run hourly-statistics</code>).</p>';
  const rows = items
    .map(
      (j) => `<tr>
        <td class="tool">${escapeHtml(j.jobName)}</td>
        <td><span class="badge status-${escapeHtml(j.status)}">${escapeHtml(j.status)}</span></td>
        <td>${escapeHtml(j.trigger)}</td>
        <td class="nowrap">${escapeHtml(when(j.startedAt))}</td>
        <td class="num">${escapeHtml(ms(j.durationMs))}</td>
        <td class="muted">${escapeHtml(j.error ?? summaryText(j.summary))}</td>
      </tr>`,
    )
    .join('');
  return `<table><thead><tr><th>job</th><th>status</th><th>trigger</th><th>started</th><th class="num">took</th><th>summary</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function generatedSection(model: ReportModel): string {
  if (model.generatedTools.length === 0)
    return '<p class="empty">No AI-generated tools recorded (<code>store.storeToolCreation</code>).</p>';
  const rows = model.generatedTools
    .map(
      (g) => `<tr>
        <td class="tool">${escapeHtml(g.toolName)}</td>
        <td class="nowrap">${escapeHtml(when(g.createdAt).slice(0, 10))}</td>
        <td class="num">${g.attempts}</td>
        <td>${g.validationPassed ? '<span class="badge promote">passed</span>' : '<span class="badge archive">failed</span>'}</td>
        <td class="num">${g.runs}</td>
        <td class="num">${escapeHtml(pct(g.successRate))}</td>
      </tr>`,
    )
    .join('');
  return `<table><thead><tr><th>tool</th><th>created</th><th class="num">attempts</th><th>validation</th><th class="num">runs</th><th class="num">success</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The tool registry's view of the window's tools: how many are active, deprecated, archived or
 * not registered, and every one that is not simply active (deprecated, archived, promoted).
 */
function registrySection(model: ReportModel): string {
  const counts = new Map<string, number>();
  for (const row of model.tools) {
    const key = row.status ?? 'unregistered';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const summary = ['active', 'deprecated', 'archived', 'unregistered']
    .filter((key) => counts.has(key))
    .map((key) => `<span class="pill"><b>${key}</b> ${counts.get(key)}</span>`)
    .join('');
  const notable = model.tools.filter(
    (row) => (row.status !== null && row.status !== 'active') || row.promoted,
  );
  if (notable.length === 0)
    return `<p>${summary}</p><p class="empty">Every tool that ran is active (or not registered: <code>store.registerTools</code>).</p>`;
  const badge = { deprecated: 'deprecate', archived: 'archive', active: 'promote' } as const;
  const rows = notable
    .map(
      (r) => `<tr data-tool="${escapeHtml(r.toolName)}">
        <td class="tool">${escapeHtml(r.toolName)}</td>
        <td><span class="badge ${badge[r.status ?? 'active']}">${escapeHtml(r.status ?? 'unregistered')}</span>${r.promoted ? ' <span class="badge promote">promoted</span>' : ''}</td>
        <td class="num">${r.total.toLocaleString('en')}</td>
        <td class="num">${escapeHtml(pct(r.successRate))}</td>
      </tr>`,
    )
    .join('');
  return `<p>${summary}</p><table class="registry"><thead><tr><th>tool</th><th>status</th><th class="num">runs</th><th class="num">success</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `
:root { --ink:#1e293b; --muted:#64748b; --grid:#e2e8f0; --bg:#f1f5f9; --card:#ffffff;
  --good:#059669; --bad:#e11d48; --warn:#d97706; --accent:#4f46e5; --ai:#9333ea; --p95:#f59e0b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font-size: 14px; }
header { background: linear-gradient(120deg, #312e81, #4f46e5 60%, #7c3aed); color: #fff; padding: 22px 32px 64px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header p { margin: 0; opacity: 0.85; line-height: 1.6; }
.stamp { white-space: nowrap; }
main { max-width: 1360px; margin: -48px auto 40px; padding: 0 24px; }
.kpis { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 14px; margin-bottom: 18px; }
.kpi { background: var(--card); border-radius: 12px; padding: 14px 18px; box-shadow: 0 1px 3px rgba(15,23,42,.08), 0 4px 14px rgba(15,23,42,.05); }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.kpi .value { font-size: 26px; font-weight: 650; margin-top: 4px; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12px; margin-top: 2px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; }
.card { overflow-x: auto; background: var(--card); border-radius: 12px; padding: 16px 18px 18px; box-shadow: 0 1px 3px rgba(15,23,42,.08), 0 4px 14px rgba(15,23,42,.05); min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.card h2 { margin: 0 0 2px; font-size: 15px; font-weight: 650; }
.card .hint { margin: 0 0 12px; color: var(--muted); font-size: 12px; }
.chart { position: relative; height: 280px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; padding: 6px 8px; border-bottom: 1px solid var(--grid); }
td { padding: 8px; border-bottom: 1px solid var(--grid); vertical-align: top; }
tr:last-child td { border-bottom: none; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tool { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; white-space: nowrap; }
.muted { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 11.5px; font-weight: 600; background: #e2e8f0; }
.badge.archive, .badge.status-failed, .badge.status-crashed { background: #ffe4e6; color: #be123c; }
.badge.deprecate { background: #fef3c7; color: #b45309; }
.badge.promote, .badge.status-succeeded { background: #d1fae5; color: #047857; }
.badge.watch, .badge.status-running { background: #e0e7ff; color: #4338ca; }
.evidence { margin-top: 6px; }
.pill { display: inline-block; margin: 0 4px 4px 0; padding: 1px 7px; border-radius: 6px; background: #f1f5f9; color: #334155; font-size: 11.5px; }
.pill b { font-weight: 600; color: var(--muted); }
.pill.block { display: block; width: fit-content; }
.nowrap { white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; margin: 8px 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #f1f5f9; padding: 1px 5px; border-radius: 4px; font-style: normal; }
footer { text-align: center; color: var(--muted); font-size: 12px; margin: 24px 0 32px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } .kpi { padding: 12px 14px; } .kpi .value { font-size: 22px; } .kpi .label { font-size: 11px; letter-spacing: .03em; } }
@media (max-width: 700px) { .kpis { grid-template-columns: repeat(6, minmax(0, 1fr)); } .kpi { grid-column: span 2; } .kpi:nth-child(4), .kpi:nth-child(5) { grid-column: span 3; } }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: -4px 0 10px; color: var(--muted); font-size: 12px; }
.legend-item { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; }
.swatch.mark { width: auto; height: auto; border-radius: 0; font-size: 12px; line-height: 1; }
td.id { color: var(--muted); }
`;

/** One self-contained HTML page (Chart.js and the data inlined): opens offline, from a file. */
export function renderReportHtml(model: ReportModel): string {
  const t = model.totals;
  const generatedCount = model.generatedTools.length;
  const kpi = (label: string, value: string, sub: string): string =>
    `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="sub">${escapeHtml(sub)}</div></div>`;
  const failedTools = model.tools.filter((row) => row.interval[1] < 0.6).length;
  const confidence = `${Math.round(model.window.confidence * 100)}%`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dendrite-history dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>dendrite-history · execution dashboard</h1>
  <p><span class="stamp">${escapeHtml(model.database)}</span> · <span class="stamp">last ${model.window.days} days</span> <span class="stamp">(since ${escapeHtml(when(model.window.since))})</span> · <span class="stamp">generated ${escapeHtml(when(model.generatedAt))}</span></p>
</header>
<main>
  <section class="kpis">
    ${kpi('Goals', t.executions.toLocaleString('en'), `${t.toolRuns.toLocaleString('en')} tool runs`)}
    ${kpi('Success rate', pct(t.successRate), 'of goals with an outcome')}
    ${kpi('Tools', String(t.tools), `${generatedCount} AI-generated · ${failedTools} clearly failing`)}
    ${kpi('Feedback', t.averageRating === null ? '–' : `${t.averageRating.toFixed(2)} ★`, `${t.ratings.toLocaleString('en')} ratings`)}
    ${kpi('Open recommendations', model.recommendations.available ? String(model.recommendations.items.length) : '–', 'from the weekly lifecycle job')}
  </section>
  <section class="grid">
    <div class="card"><h2>Success rate per tool</h2><p class="hint">Ranked by the lower end of the ${confidence} Wilson interval (bar), so a tool with few runs does not outrank a proven one. Point: observed rate. The axis starts near the lowest interval, not at 0%.</p><div class="legend" id="chart-success-legend"></div><div class="chart"><canvas id="chart-success"></canvas></div></div>
    <div class="card"><h2>Latency per tool</h2><p class="hint">Median (p50) and p95 duration of a tool run, log scale, slowest p95 first. ✦ = AI-generated.</p><div class="chart"><canvas id="chart-latency"></canvas></div></div>
    <div class="card wide"><h2>Executions and failures over time</h2><p class="hint">Goal executions per ${model.window.bucket}, split by outcome, with the failure rate and its ${confidence} band (right axis, scaled to the data). A ${model.window.bucket} with fewer than 10 runs shows only its band; pale dashed bars and a dashed line mark a ${model.window.bucket} the window covers only in part.</p><div class="chart"><canvas id="chart-timeline"></canvas></div></div>
    <div class="card"><h2>Feedback ratings</h2><p class="hint">How users rated executions (1 to 5 stars).</p><div class="chart"><canvas id="chart-ratings"></canvas></div></div>
    <div class="card"><h2>Success rate per intent</h2><p class="hint">Share of goals that succeeded, by the intent the orchestrator picked.</p><div class="chart"><canvas id="chart-intents"></canvas></div></div>
    <div class="card wide"><h2>Open lifecycle recommendations</h2><p class="hint">What the weekly job suggests doing with each tool, and the numbers behind it. Accept or dismiss with <code>dendrite-history recommendations accept|dismiss &lt;id&gt;</code>.</p>${recommendationsSection(model)}</div>
    <div class="card wide"><h2>Tool registry</h2><p class="hint">Status of the tools that ran in the window (deprecated, archived or promoted by an accepted recommendation, <code>dendrite-history tools</code> or <code>store.setToolStatus</code>).</p>${registrySection(model)}</div>
    <div class="card wide"><h2>AI-generated tools</h2><p class="hint">Tools the orchestrator wrote for itself, and how they did since.</p>${generatedSection(model)}</div>
    <div class="card wide"><h2>Job history</h2><p class="hint">The learning loop's most recent runs.</p>${jobsSection(model)}</div>
  </section>
</main>
<footer>dendrite-history · self-contained report, no network needed · charts by Chart.js (MIT)</footer>
<script id="report-data" type="application/json">${scriptJson(model)}</script>
<script>${chartJs()}</script>
<script type="module">${dashboardScript()}</script>
</body>
</html>
`;
}
