import type { Context } from 'hono';
import type { UiData } from './data.js';
import type { JobRunner } from './job-runner.js';
import { layout, type Section } from './layout.js';
import type { Html } from './html.js';
import type { Security, UiEnv } from './security.js';

/** What every route needs: the data, the security pieces, the job runner. */
export interface UiContext {
  data: UiData;
  security: Security;
  jobs: JobRunner;
  /** user@host:port/db, never the password. */
  database: string;
  now(): Date;
}

export type UiRequest = Context<UiEnv>;

/** Answers with a whole page. */
export function respondPage(
  ui: UiContext,
  c: UiRequest,
  page: { title: string; section: Section; body: Html; charts?: boolean },
  status: 200 | 400 | 401 | 403 | 404 | 421 | 500 | 503 = 200,
): Response {
  return c.html(layout({ ...page, database: ui.database }).text, status);
}

/** A path inside this site to return to after a form, or the fallback (no open redirects). */
export function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 2000
    ? value
    : fallback;
}
