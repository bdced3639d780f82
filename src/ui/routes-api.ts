import type { Hono } from 'hono';
import { NotFoundError, ValidationError } from '../errors.js';
import type { UiContext } from './context.js';
import {
  encodeCursor,
  parseCursor,
  parseExecutionFilter,
  parseLimit,
  parseRange,
  parseStatus,
  requireUuidParam,
} from './filters.js';
import { recommendationId, verbStatus } from './routes-pages.js';
import type { UiEnv } from './security.js';

/**
 * JSON under /api: the lists in the shapes the CLI's --json prints (tools as `stats --json`,
 * recommendations as `recommendations --json`, jobs as `jobs history --json`, an execution as an
 * element of `recent --json` plus its feedback); the executions list adds the next page's cursor.
 */
export function registerApi(app: Hono<UiEnv>, ui: UiContext): void {
  app.get('/api/executions', async (c) => {
    const query = c.req.query();
    const page = await ui.data.executions(
      parseExecutionFilter(query, ui.now()),
      parseCursor(query),
      parseLimit(query),
    );
    return c.json({ items: page.items, next: page.next === null ? null : encodeCursor(page.next) });
  });

  app.get('/api/executions/:id', async (c) => {
    const id = requireUuidParam(c.req.param('id'), 'execution id');
    const detail = await ui.data.execution(id);
    if (detail === null) throw new NotFoundError(`there is no execution ${id}`);
    return c.json(detail);
  });

  app.get('/api/tools', async (c) => c.json(await ui.data.tools()));

  app.get('/api/tools/:name', async (c) => {
    const name = c.req.param('name');
    if (name.length > 255)
      throw new ValidationError('a tool name is at most 255 characters', 'name');
    const range = parseRange(c.req.query(), ui.now(), '30d');
    const detail = await ui.data.tool(name, range.since);
    if (detail === null) throw new NotFoundError(`no tool "${name}" has run or been generated`);
    return c.json(detail);
  });

  app.get('/api/recommendations', async (c) =>
    c.json(await ui.data.recommendations(parseStatus(c.req.query()), 500)),
  );

  app.post('/api/recommendations/:id/:verb', async (c) => {
    const status = verbStatus(c.req.param('verb'));
    return c.json(await ui.data.settleRecommendation(recommendationId(c.req.param('id')), status));
  });

  app.get('/api/jobs', async (c) => c.json(await ui.data.jobRuns(100)));

  app.post('/api/jobs/:name/run', (c) => {
    const name = c.req.param('name');
    const started = ui.jobs.start(name);
    return c.json({ jobName: name, started }, started ? 202 : 409);
  });
}
