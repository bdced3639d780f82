import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  ClosedError,
  ConnectionError,
  DendriteError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { registerAssets } from './assets.js';
import { localPath, respondPage, type UiContext, type UiRequest } from './context.js';
import type { UiData } from './data.js';
import { createJobRunner, type JobRunner } from './job-runner.js';
import { errorBody, loginBody } from './pages/error.js';
import { registerApi } from './routes-api.js';
import { registerPages } from './routes-pages.js';
import { createSecurity, type Security, type UiEnv } from './security.js';

export interface UiAppOptions {
  data: UiData;
  /** user@host:port/db shown in the header, never the password. */
  database: string;
  /** Required to sign in when set. Default none (loopback only). */
  authToken?: string | undefined;
  /** Only loopback Host headers are answered. */
  loopbackOnly: boolean;
  /** Server-side faults (a failed query, a job that failed in the background). */
  onError: (error: Error) => void;
}

export interface UiApp {
  app: Hono<UiEnv>;
  security: Security;
  jobs: JobRunner;
}

type Status = 400 | 401 | 403 | 404 | 421 | 500 | 503;

/** Maps an error to what the user may see: typed errors speak, anything else is a plain 500. */
function classify(error: Error): { status: Status; title: string; message: string; code: string } {
  if (error instanceof HTTPException) {
    const status = ([400, 401, 403, 404, 421, 503] as const).find((s) => s === error.status) ?? 400;
    const titles: Record<number, string> = {
      401: 'Token needed',
      403: 'Refused',
      404: 'Not found',
      421: 'Wrong host',
    };
    return {
      status,
      title: titles[status] ?? 'Bad request',
      message: error.message,
      code: `HTTP_${status}`,
    };
  }
  if (error instanceof ValidationError)
    return { status: 400, title: 'Bad request', message: error.message, code: error.code };
  if (error instanceof NotFoundError)
    return { status: 404, title: 'Not found', message: error.message, code: error.code };
  if (error instanceof ConnectionError || error instanceof ClosedError)
    return {
      status: 503,
      title: 'Database unavailable',
      message: 'the database cannot be reached right now; try again shortly',
      code: error.code,
    };
  return {
    status: 500,
    title: 'Server error',
    message: 'something went wrong on the server; it has been reported in the server’s output',
    code: error instanceof DendriteError ? error.code : 'INTERNAL',
  };
}

/** The Hono application behind `serveUi` (exposed for tests that call `app.request()`). */
export function createUiApp(options: UiAppOptions): UiApp {
  const security = createSecurity({
    authToken: options.authToken,
    loopbackOnly: options.loopbackOnly,
  });
  const jobs = createJobRunner(options.data, options.onError);
  const ui: UiContext = {
    data: options.data,
    security,
    jobs,
    database: options.database,
    now: () => new Date(),
  };
  const app = new Hono<UiEnv>();

  const fail = (error: Error, c: UiRequest): Response => {
    const problem = classify(error);
    if (problem.status >= 500) options.onError(error);
    if (problem.status === 401 && !c.req.path.startsWith('/api/'))
      return respondPage(
        ui,
        c,
        { title: 'Sign in', section: 'none', body: loginBody(localPath(c.req.path, '/'), false) },
        401,
      );
    if (c.req.path.startsWith('/api/'))
      return c.json({ error: { code: problem.code, message: problem.message } }, problem.status);
    return respondPage(
      ui,
      c,
      {
        title: problem.title,
        section: 'none',
        body: errorBody(problem.status, problem.title, problem.message),
      },
      problem.status,
    );
  };

  app.use('*', security.headers);
  app.use('*', security.access);
  app.use('*', security.csrf);
  registerAssets(app);

  app.get('/login', (c) =>
    respondPage(ui, c, {
      title: 'Sign in',
      section: 'none',
      body: loginBody(localPath(c.req.query('next'), '/'), false),
    }),
  );
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = localPath(form.next, '/');
    if (typeof form.token !== 'string' || !security.tokenMatches(form.token))
      return respondPage(
        ui,
        c,
        { title: 'Sign in', section: 'none', body: loginBody(next, true) },
        401,
      );
    security.rememberToken(c);
    return c.redirect(next, 303);
  });

  registerPages(app, ui);
  registerApi(app, ui);

  app.notFound((c) => fail(new NotFoundError(`nothing at ${c.req.path.slice(0, 200)}`), c));
  app.onError((error, c) => fail(error, c));
  return { app, security, jobs };
}
