import { parse } from 'pg-connection-string';
import { ConfigError } from './errors.js';

/**
 * How TLS is used, after libpq's `sslmode`: `require` encrypts without checking the certificate,
 * `verify-ca` checks it against `rootCert`, `verify-full` also checks the host name.
 */
export interface TlsSettings {
  mode: 'require' | 'verify-ca' | 'verify-full';
  /** `sslrootcert`: file of the CA certificates the server's must chain to. */
  rootCert?: string | undefined;
  /** `sslcert` / `sslkey`: files of a client certificate and its key. */
  cert?: string | undefined;
  key?: string | undefined;
}

/** What a connection string says, beyond the pool settings. */
export interface ConnectionSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** TLS, from sslmode and friends. Undefined: plain TCP. */
  tls?: TlsSettings | undefined;
  applicationName?: string | undefined;
  /** Server options sent at connect time (`options=-c search_path=app`). */
  options?: string | undefined;
  /** `connect_timeout` (seconds in the URL) in ms; 0 waits for ever. */
  connectTimeoutMs?: number | undefined;
}

const SCHEME = /^postgres(?:ql)?:\/\//i;
const SSL_MODES = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
  'no-verify',
];
const PARAMETERS = new Set([
  'host',
  'port',
  'user',
  'password',
  'dbname',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'ssl',
  'application_name',
  'fallback_application_name',
  'options',
  'connect_timeout',
  'client_encoding',
  'uselibpqcompat',
]);
// Spelled out so that no masking (which hides whatever sits between ':' and '@') garbles it.
const EXPECTED = 'postgres:// then user:password, @, host:port and /database';

/**
 * `password=` as a URL query parameter (`?password=…`, `&password=…`) or a libpq keyword/value
 * pair (`host=db password=… dbname=app`, `password = '…'`): masked to the end of the token (a
 * quoted libpq value to its closing quote).
 */
const PASSWORD_PARAMETER = /((?:^|[?&;\s])password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?\S*|\S*)/gi;
/** The same, to the end of the text: one URL given whole, whose password may hold a space or "&". */
const PASSWORD_PARAMETER_TO_END = /((?:^|[?&;\s])password\s*=).*/gis;

/**
 * A database URL's scheme as typed, typos included (`postgres//`, `postgres:/`, `postgres:\\`,
 * `postgresql:`): what follows it is user:password even without "://".
 */
const TYPED_SCHEME =
  /^["'(<]?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)(?::[/\\]{0,3}|[/\\]{1,3})/i;

/** Where the user part of a URL-like token starts, or -1 when it has no scheme. */
function userStart(token: string): number {
  const scheme = token.indexOf('://');
  if (scheme >= 0) return scheme + 3;
  const typed = TYPED_SCHEME.exec(token);
  return typed === null ? -1 : typed[0].length;
}

function maskToken(token: string): string {
  const scheme = userStart(token);
  const start = scheme < 0 ? 0 : scheme;
  const at = token.lastIndexOf('@');
  if (at >= start) {
    const colon = token.indexOf(':', start);
    if (colon < start || colon > at) return token;
    // What follows the last "@" should be a host; a "#" or "@" there means the "@" was inside
    // the password and the one before the host is missing: all of it may be password.
    const tail = token.slice(at);
    const host = /^@[^/?]*/.exec(tail)![0];
    return `${token.slice(0, colon + 1)}***${/[#"'\\]/.test(host) ? '@***' : tail}`;
  }
  // No "@" at all (postgres://user:secret/host): whatever follows "user:" may be a password,
  // unless it is plainly a port.
  if (scheme < 0) return token;
  const colon = token.indexOf(':', start);
  if (colon < 0 || /^\d*(?:[/?#]|$)/.test(token.slice(colon + 1))) return token;
  return `${token.slice(0, colon + 1)}***`;
}

/**
 * Text with every password it may hold replaced by `***`: in URLs that parse and in ones that do
 * not (`postgres//user:pw@host`, an unencoded `@` or `/` in the password), and `password=` query
 * parameters. Safe to print.
 */
export function maskConnectionString(text: string): string {
  // After `scheme://user:pass` with no "@" yet, the password may run on past a space: the next
  // tokens up to the one holding the "@" (at most three) are masked as well.
  let open = 0;
  // password= is masked to the end of the URL: an unencoded "&" in it would leave its tail.
  return text.replace(PASSWORD_PARAMETER, '$1***').replace(/\S+/g, (token) => {
    if (open > 0) {
      open--;
      const at = token.lastIndexOf('@');
      if (at < 0) return '***';
      open = 0;
      return `***${token.slice(at)}`;
    }
    const masked = maskToken(token);
    if (masked.endsWith(':***')) open = 3;
    return masked;
  });
}

/** One URL (spaces and all) masked as a whole, for messages about that URL. */
function maskWhole(url: string): string {
  const masked = maskToken(url.replace(PASSWORD_PARAMETER_TO_END, '$1***'));
  const at = masked.lastIndexOf('@');
  // After the last "@" must come a host, port, path and parameters; anything else there (a "#",
  // a space, a second ":") is the rest of a password that held an "@" before a missing one.
  if (at < 0 || HOST_AND_REST.test(masked.slice(at + 1))) return masked;
  return `${masked.slice(0, at)}@***`;
}

const HOST_AND_REST =
  /^(?:[A-Za-z0-9._~%-]*|\[[0-9A-Fa-f:.]*\])(?::\d{0,5})?(?:,[A-Za-z0-9._~%:[\]-]*)*(?:\/[^\s?#@:]*)?(?:\?[^\s#@]*)?$/;

/** A parameter name as libpq spells them: only such a name is quoted back in a message. */
const PARAMETER_NAME = /^[a-z_]{1,40}$/;

function malformed(name: string, url: string, why: string): ConfigError {
  return new ConfigError(
    `${name} is malformed: ${why} (the form is ${EXPECTED}; in the password write @ as %40, / as %2F, ? as %3F, # as %23, % as %25): ${maskWhole(url)}`,
  );
}

function tlsFrom(name: string, query: Record<string, string>): TlsSettings | undefined {
  const text = (key: string): string | undefined => query[key] || undefined;
  const files = { rootCert: text('sslrootcert'), cert: text('sslcert'), key: text('sslkey') };
  let mode = text('sslmode');
  if (mode === undefined) {
    const ssl = text('ssl');
    if (ssl === 'true' || ssl === '1') mode = 'verify-full';
    else if (files.rootCert !== undefined || files.cert !== undefined) mode = 'require';
    else return undefined;
  }
  if (!SSL_MODES.includes(mode))
    throw new ConfigError(
      // A value of letters and "-" only is quoted back: any other may be a password's tail.
      `${name}: sslmode must be one of ${SSL_MODES.join(', ')}, got ${/^[a-z-]{1,20}$/.test(mode) ? `"${mode}"` : 'another value'}`,
    );
  switch (mode) {
    case 'disable':
    case 'allow':
      // allow tries plain text first, which every server takes.
      return undefined;
    case 'prefer':
    case 'no-verify':
      // pg cannot fall back to plain text when the server has no TLS (libpq's prefer does).
      return { mode: 'require', ...files };
    case 'require':
      // As in libpq: with a root certificate, require checks the chain like verify-ca.
      return { mode: files.rootCert === undefined ? 'require' : 'verify-ca', ...files };
    case 'verify-ca':
      if (files.rootCert === undefined)
        throw new ConfigError(
          `${name}: sslmode=verify-ca needs sslrootcert=<file> (the CA to check the server against)`,
        );
      return { mode, ...files };
    default:
      return { mode: 'verify-full', ...files };
  }
}

function whole(name: string, key: string, raw: string, min: number, max: number): number {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new ConfigError(`${name}: ${key} must be a whole number from ${min} to ${max}`);
  return Number(text);
}

/**
 * Parses a postgres:// URL with libpq's parameters (sslmode, sslrootcert, sslcert, sslkey,
 * application_name, options, connect_timeout, host, port, user, password, dbname). A URL that does
 * not read as one (no scheme, `postgres//…`, an unencoded `@ / ? #` in the password) is refused
 * with a ConfigError; no message ever holds the password.
 */
export function parseConnectionString(
  url: string,
  name: string,
  defaults: { host: string; user: string },
): ConnectionSettings {
  const trimmed = url.trim();
  if (!SCHEME.test(trimmed))
    throw malformed(name, trimmed, 'it must start with postgres:// or postgresql://');
  const rest = trimmed.replace(SCHEME, '');
  const authorityEnd = rest.search(/[/?#]/);
  const after = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  // The password ends at the last "@" before the host; one after it means the password held a
  // "/", "?" or "#" that cut the URL short, and its tail would pass for the host or database.
  if (after.includes('@') || after.includes('#'))
    throw malformed(name, trimmed, 'part of it reads as the path (a /, ? or # in the password?)');
  const search = new URLSearchParams(
    after.includes('?') ? after.slice(after.indexOf('?') + 1) : '',
  );
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const hostPart = authority.slice(authority.lastIndexOf('@') + 1);
  // "user:pass" with no "@" reads as host "user" and port "pass": a missing "@", or a "/", "?" or
  // "#" in the password that ended it early; its tail then reads as the path or a parameter.
  if (/:(?!\d*$)[^\]]*$/.test(hostPart) && !hostPart.includes(','))
    throw malformed(
      name,
      trimmed,
      'the port is not a number (a missing @, or a /, ? or # in the password?)',
    );
  for (const key of search.keys())
    if (!PARAMETERS.has(key))
      throw new ConfigError(
        search.has('password') || !PARAMETER_NAME.test(key)
          ? // The "key" may be the tail of a password holding an unencoded "&" or "?": never show it.
            `${name}: an unknown parameter (not shown: it may be part of a password; write & in a password as %26, ? as %3F)`
          : `${name}: unknown parameter "${key}" (supported: ${[...PARAMETERS].join(', ')})`,
      );
  const query = Object.fromEntries(search.entries());
  const tls = tlsFrom(name, query);
  let parsed: ReturnType<typeof parse>;
  try {
    // Reads the sslrootcert/sslcert/sslkey files: a missing one is said here, not at connect time.
    parsed = parse(trimmed, { useLibpqCompat: true });
  } catch (error) {
    const file = (error as { path?: unknown; code?: unknown }).path;
    if (typeof file === 'string')
      throw new ConfigError(
        `${name}: cannot read ${file} (${String((error as { code?: unknown }).code)}), named by sslrootcert/sslcert/sslkey`,
      );
    throw malformed(name, trimmed, 'it does not parse as a URL');
  }
  const database = query.dbname ?? parsed.database;
  if (typeof database !== 'string' || database === '')
    throw new ConfigError(
      `${name} names no database (add /dbname after the host): ${maskWhole(trimmed)}`,
    );
  const applicationName = query.application_name ?? query.fallback_application_name;
  return {
    host: parsed.host || defaults.host,
    port: parsed.port ? whole(name, 'port', parsed.port, 1, 65535) : 5432,
    database,
    user: parsed.user || defaults.user,
    password: parsed.password ?? '',
    tls,
    applicationName,
    options: query.options,
    connectTimeoutMs:
      query.connect_timeout === undefined
        ? undefined
        : whole(name, 'connect_timeout', query.connect_timeout, 0, 86_400) * 1000,
  };
}
