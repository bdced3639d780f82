import type { Hono } from 'hono';
import { NotFoundError, ValidationError } from '../errors.js';
import { localPath, respondPage, type UiContext } from './context.js';
import {
  filterParams,
  parseCursor,
  parseExecutionFilter,
  parseLimit,
  parseRange,
  parseStatus,
  requireUuidParam,
} from './filters.js';
import { executionBody } from './pages/execution.js';
import { executionsBody } from './pages/executions.js';
import { jobsBody } from './pages/jobs.js';
import { overviewBody } from './pages/overview.js';
import { recommendationsBody } from './pages/recommendations.js';
import { toolBody, toolsBody } from './pages/tool.js';
import type { UiEnv } from './security.js';

/** Parses "accepted:12" style notices that a form redirect carries, from a fixed vocabulary. */
function notice(raw: string | undefined): string | null {
  const match = raw === undefined ? null : /^(accepted|dismissed):(\d{1,15})$/.exec(raw);
  if (match !== null) return `Recommendation #${match[2]} ${match[1]}.`;
  const started = raw === undefined ? null : /^started:([a-z0-9-]{1,100})$/.exec(raw);
  if (started !== null) return `${started[1]} started; reload to see it finish.`;
  const busy = raw === undefined ? null : /^busy:([a-z0-9-]{1,100})$/.exec(raw);
  if (busy !== null) return `${busy[1]} is already running on this server.`;
  return null;
}

export function recommendationId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1)
    throw new ValidationError(
      `a recommendation id is a positive whole number, got "${raw.slice(0, 40)}"`,
      'id',
    );
  return Number(raw);
}

export function verbStatus(verb: string): 'accepted' | 'dismissed' {
  if (verb === 'accept') return 'accepted';
  if (verb === 'dismiss') return 'dismissed';
  throw new NotFoundError(
    `a recommendation can be accepted or dismissed, not "${verb.slice(0, 40)}"`,
  );
}

/** The HTML pages: GET views and the two form posts (decide a recommendation, run a job). */
export function registerPages(app: Hono<UiEnv>, ui: UiContext): void {
  app.get('/', async (c) => {
    // 24 h by default: the report's window scans grow with the range (bench:ui), and today is what is looked at most.
    const range = parseRange(c.req.query(), ui.now(), '24h');
    const model = await ui.data.overview(range);
    return respondPage(ui, c, {
      title: 'Overview',
      section: 'overview',
      body: overviewBody(model, range),
      charts: true,
    });
  });

  app.get('/executions', async (c) => {
    const query = c.req.query();
    const filter = parseExecutionFilter(query, ui.now());
    const after = parseCursor(query);
    const limit = parseLimit(query);
    const [page, choices] = await Promise.all([
      ui.data.executions(filter, after, limit),
      ui.data.filterChoices(),
    ]);
    const body = executionsBody({
      page,
      params: filterParams(query),
      choices,
      paged: after !== null,
    });
    return respondPage(ui, c, { title: 'Executions', section: 'executions', body });
  });

  app.get('/executions/:id', async (c) => {
    const id = requireUuidParam(c.req.param('id'), 'execution id');
    const detail = await ui.data.execution(id);
    if (detail === null) throw new NotFoundError(`there is no execution ${id}`);
    return respondPage(ui, c, {
      title: detail.goalText.slice(0, 60),
      section: 'executions',
      body: executionBody(detail),
    });
  });

  app.get('/tools', async (c) => {
    const tools = await ui.data.tools();
    return respondPage(ui, c, { title: 'Tools', section: 'tools', body: toolsBody(tools) });
  });

  app.get('/tools/:name', async (c) => {
    const name = c.req.param('name');
    if (name.length > 255)
      throw new ValidationError('a tool name is at most 255 characters', 'name');
    const range = parseRange(c.req.query(), ui.now(), '30d');
    const detail = await ui.data.tool(name, range.since);
    if (detail === null) throw new NotFoundError(`no tool "${name}" has run or been generated`);
    return respondPage(ui, c, {
      title: name,
      section: 'tools',
      body: toolBody(detail, range, ui.security.csrfToken),
      charts: detail.series.length > 0,
    });
  });

  app.get('/recommendations', async (c) => {
    const status = parseStatus(c.req.query());
    const records = await ui.data.recommendations(status, 500);
    const body = recommendationsBody(
      records,
      status,
      ui.security.csrfToken,
      notice(c.req.query('done')),
    );
    return respondPage(ui, c, { title: 'Recommendations', section: 'recommendations', body });
  });

  app.post('/recommendations/:id/:verb', async (c) => {
    const status = verbStatus(c.req.param('verb'));
    const record = await ui.data.settleRecommendation(recommendationId(c.req.param('id')), status);
    const form = await c.req.parseBody();
    const back = new URL(localPath(form.back, '/recommendations?status=all'), 'http://x');
    back.searchParams.set('done', `${status}:${record.id}`);
    return c.redirect(`${back.pathname}${back.search}`, 303);
  });

  app.get('/jobs', async (c) => {
    const runs = await ui.data.jobRuns(100);
    const body = jobsBody(
      runs,
      ui.data.jobNames(),
      ui.jobs.running(),
      ui.security.csrfToken,
      notice(c.req.query('done')),
    );
    return respondPage(ui, c, { title: 'Jobs', section: 'jobs', body });
  });

  app.post('/jobs/:name/run', (c) => {
    const name = c.req.param('name');
    const started = ui.jobs.start(name);
    return c.redirect(
      `/jobs?done=${started ? 'started' : 'busy'}:${encodeURIComponent(name)}`,
      303,
    );
  });
}
