import type { JsonValue } from '../../json/sanitize.js';
import type { ExecutionDetail } from '../data.js';
import { html, millis, outcome, timeTag, type Html } from '../html.js';
import { jsonTree } from '../json-tree.js';

type JsonObject = { [key: string]: JsonValue };

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Model and token usage when the metadata holds them (adapters record `model` and `usage`). */
function modelFacts(metadata: JsonValue): Html[] {
  if (!isObject(metadata)) return [];
  const facts: Html[] = [];
  const model = metadata.model ?? metadata['gen_ai.request.model'];
  if (typeof model === 'string')
    facts.push(
      html`<dt>model</dt>
        <dd>${model}</dd>`,
    );
  const usage = metadata.usage ?? metadata.tokenUsage ?? metadata.tokens;
  if (isObject(usage)) {
    const parts = Object.entries(usage)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toLocaleString('en')}`);
    if (parts.length > 0)
      facts.push(
        html`<dt>tokens</dt>
          <dd>${parts.join(' · ')}</dd>`,
      );
  } else if (typeof usage === 'number')
    facts.push(
      html`<dt>tokens</dt>
        <dd>${usage.toLocaleString('en')}</dd>`,
    );
  return facts;
}

/**
 * The tool runs on one time axis: each bar starts at the run's offset from the execution's start
 * and is as long as the run took. The axis spans the execution (or the last run's end if later).
 */
function waterfall(detail: ExecutionDetail): Html {
  const start = detail.createdAt.getTime();
  const runs = detail.toolRuns.map((run) => {
    const offset = Math.max(0, run.createdAt.getTime() - start);
    return { run, offset, length: run.durationMs ?? 0 };
  });
  const span = Math.max(1, detail.durationMs ?? 0, ...runs.map((r) => r.offset + r.length));
  const pct = (v: number): string => `${Math.min(100, (100 * v) / span).toFixed(2)}%`;
  return html`<div class="waterfall" data-nav-list aria-label="Tool runs">
    ${runs.map(
      ({ run, offset, length }) =>
        html`<section
          class="run ${run.success ? 'succeeded' : 'failed'}"
          data-nav-item
          id="run-${run.id}"
        >
          <div class="run-head">
            <span
              ><a href="/tools/${encodeURIComponent(run.toolName)}">${run.toolName}</a>
              ${outcome(run.success)}</span
            >
            <span class="track" title="starts +${millis(offset)}, takes ${millis(run.durationMs)}"
              ><span class="bar" style="left:${pct(offset)};width:${pct(length)}"></span
            ></span>
            <span class="num">+${millis(offset)} · ${millis(run.durationMs)}</span>
          </div>
          ${run.error === null ? '' : html`<pre class="error-text">${run.error}</pre>`}
          ${jsonTree(run.parameters, 'parameters')} ${jsonTree(run.result, 'result')}
        </section>`,
    )}
  </div>`;
}

export function executionBody(detail: ExecutionDetail): Html {
  const tools = [...new Set(detail.toolRuns.map((r) => r.toolName))];
  return html`<p><a href="/executions">← Executions</a></p>
    <h1>${detail.goalText}</h1>
    <div class="grid">
      <div class="card">
        <dl class="facts">
          <dt>outcome</dt>
          <dd>${outcome(detail.success)}</dd>
          <dt>intent</dt>
          <dd>
            ${detail.intent === null ? '–' : html`<a href="/executions?intent=${encodeURIComponent(detail.intent)}">${detail.intent}</a>`}
          </dd>
          <dt>started</dt>
          <dd>${timeTag(detail.createdAt)}</dd>
          <dt>duration</dt>
          <dd>${millis(detail.durationMs)}</dd>
          <dt>goal id</dt>
          <dd>${detail.goalId ?? '–'}</dd>
          <dt>execution id</dt>
          <dd>
            <code>${detail.executionId}</code> ·
            <a href="/api/executions/${detail.executionId}">JSON</a>
          </dd>
          ${modelFacts(detail.metadata)}
          <dt>tools</dt>
          <dd>
            ${tools.length === 0 ? '–' : tools.map((t, i) => html`${i > 0 ? ', ' : ''}<a href="/tools/${encodeURIComponent(t)}">${t}</a>`)}
          </dd>
        </dl>
        ${
          detail.error === null
            ? ''
            : html`<h2>Error</h2>
                <pre class="error-text">${detail.error}</pre>`
        }
      </div>
      <div class="card">
        <h2>Metadata</h2>
        ${jsonTree(detail.metadata, 'metadata')}
        <h2>Feedback</h2>
        ${
          detail.feedback.length === 0
            ? html`<p class="muted">No rating recorded.</p>`
            : html`<ul>
                ${detail.feedback.map(
                  (f) =>
                    html`<li>
                      <b>${'★'.repeat(f.rating)}${'☆'.repeat(5 - f.rating)}</b> (${f.rating}/5)
                      ${timeTag(f.createdAt)}${f.feedbackText === null ? '' : html`<br />${f.feedbackText}`}
                    </li>`,
                )}
              </ul>`
        }
      </div>
    </div>
    <h2>Tool runs (${detail.toolRuns.length})</h2>
    ${detail.toolRuns.length === 0 ? html`<p class="muted">This execution ran no tool.</p>` : waterfall(detail)}`;
}
