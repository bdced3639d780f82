/**
 * What keeps the UI safe to leave running: loopback by default (with a Host check against DNS
 * rebinding), an access token for anything else, and a CSRF check on every request that changes
 * state. The token travels as `Authorization: Bearer …` (scripts) or a strict same-site cookie
 * (browsers, set by /login or by opening a `?token=` link once).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';

export const TOKEN_COOKIE = 'dendrite_ui_token';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Hono's environment for the UI: how the request proved it may come in. */
export interface UiEnv {
  Variables: { authenticatedBy: 'header' | undefined };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for the addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The host part of a Host header (`[::1]:4680` → `[::1]`, `localhost:80` → `localhost`). */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return colon < 0 ? header : header.slice(0, colon);
}

function sameSecret(given: string, expected: string): boolean {
  // Digests first: equal lengths for timingSafeEqual, and no early exit on a length mismatch.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface SecurityOptions {
  /** The access token, or undefined when the server is loopback-only and has none. */
  authToken: string | undefined;
  /** Bound to loopback: requests must name a loopback host (a rebound DNS name is refused). */
  loopbackOnly: boolean;
}

export interface Security {
  /** The value state-changing forms carry in `_csrf` (random per server start). */
  readonly csrfToken: string;
  /** Headers on every response: no framing, no inline script, no referrer to other sites. */
  headers: MiddlewareHandler<UiEnv>;
  /** Refuses foreign Host headers and requests without the token (when one is set). */
  access: MiddlewareHandler<UiEnv>;
  /** Refuses state-changing requests from another origin or without the CSRF token. */
  csrf: MiddlewareHandler<UiEnv>;
  /** Checks a token typed into the login form. */
  tokenMatches(given: string): boolean;
  /** Remembers the token in the browser after a successful login. */
  rememberToken(c: Context<UiEnv>): void;
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function createSecurity(options: SecurityOptions): Security {
  const csrfToken = randomBytes(24).toString('base64url');
  const token = options.authToken;

  const bearer = (c: Context<UiEnv>): string | undefined => {
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1];
  };

  const rememberToken = (c: Context<UiEnv>): void => {
    if (token === undefined) return;
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
    });
  };

  return {
    csrfToken,
    tokenMatches: (given) => token !== undefined && sameSecret(given, token),
    rememberToken,

    headers: async (c, next) => {
      await next();
      c.header('Content-Security-Policy', CSP);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('X-Frame-Options', 'DENY');
      // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own forms.
      c.header('Referrer-Policy', 'same-origin');
      c.header('Cache-Control', 'no-store');
    },

    access: async (c, next) => {
      if (options.loopbackOnly) {
        const host = hostName(c.req.header('host') ?? '');
        if (!isLoopbackHost(host))
          throw new HTTPException(421, {
            message: `this server answers only to loopback names (127.0.0.1, localhost, [::1]), not "${host.slice(0, 100)}"`,
          });
      }
      if (token === undefined || c.req.path.startsWith('/assets/') || c.req.path === '/login')
        return await next();
      const fromHeader = bearer(c);
      if (fromHeader !== undefined) {
        if (!sameSecret(fromHeader, token))
          throw new HTTPException(401, { message: 'the bearer token is not this server’s token' });
        c.set('authenticatedBy', 'header');
        return await next();
      }
      const fromQuery = c.req.method === 'GET' ? c.req.query('token') : undefined;
      if (fromQuery !== undefined && sameSecret(fromQuery, token)) {
        // A link with ?token= logs the browser in once; the token leaves the address bar.
        rememberToken(c);
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      const fromCookie = getCookie(c, TOKEN_COOKIE);
      if (fromCookie !== undefined && sameSecret(fromCookie, token)) return await next();
      throw new HTTPException(401, {
        message:
          'this server needs its access token: send `Authorization: Bearer <token>`, or sign in at /login',
      });
    },

    csrf: async (c, next) => {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return await next();
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== new URL(c.req.url).origin)
        throw new HTTPException(403, {
          message: `cross-site request refused (Origin ${origin.slice(0, 100)})`,
        });
      const site = c.req.header('sec-fetch-site');
      if (site !== undefined && site !== 'same-origin' && site !== 'none')
        throw new HTTPException(403, {
          message: `cross-site request refused (Sec-Fetch-Site ${site.slice(0, 40)})`,
        });
      // A bearer header is never added by a browser on its own, so it cannot be forged cross-site.
      if (c.get('authenticatedBy') === 'header' || c.req.path === '/login') return await next();
      let given = c.req.header(CSRF_HEADER);
      if (given === undefined) {
        const type = c.req.header('content-type') ?? '';
        if (
          type.startsWith('application/x-www-form-urlencoded') ||
          type.startsWith('multipart/form-data')
        ) {
          const field = (await c.req.parseBody())[CSRF_FIELD];
          if (typeof field === 'string') given = field;
        }
      }
      if (given === undefined || !sameSecret(given, csrfToken))
        throw new HTTPException(403, {
          message: `missing or stale CSRF token: reload the page and try again (scripts send the ${CSRF_HEADER} header from a page, or authenticate with a bearer token)`,
        });
      await next();
    },
  };
}
