/**
 * Error classes with stable `code`s. Callers branch on `code` (or `instanceof`), never on
 * message text. Database faults are classified by SQLSTATE only.
 */

export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFIG'
  | 'CONNECTION'
  | 'AUTHENTICATION'
  | 'SCHEMA_BEHIND'
  | 'CLOSED'
  | 'PLUGIN'
  | 'DATABASE';

export class DendriteError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that can never be stored as given. Nothing was written. */
export class ValidationError extends DendriteError {
  /** The offending field, when one can be named. */
  readonly field: string | undefined;
  constructor(message: string, field?: string, options?: { cause?: unknown }) {
    super('VALIDATION', message, options);
    this.field = field;
  }
}

/** A referenced row (usually an execution) does not exist. Nothing was written. */
export class NotFoundError extends DendriteError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

/** The configuration (environment or options) is unusable; the message says what to fix. */
export class ConfigError extends DendriteError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

/** The server could not be reached or dropped the connection. Messages never hold a password. */
export class ConnectionError extends DendriteError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONNECTION', message, options);
  }
}

/** The server refused the credentials. The message never holds the password. */
export class AuthenticationError extends DendriteError {
  /** 'missing': no password was given and the server asked for one; 'rejected': it was refused. */
  readonly reason: 'missing' | 'rejected';
  constructor(
    message: string,
    options?: { cause?: unknown; reason?: 'missing' | 'rejected' | undefined },
  ) {
    super('AUTHENTICATION', message, options);
    this.reason = options?.reason ?? 'rejected';
  }
}

/** The database has not been migrated to the version this library needs. */
export class SchemaBehindError extends DendriteError {
  readonly pending: string[];
  constructor(pending: string[]) {
    super(
      'SCHEMA_BEHIND',
      `the database is missing ${pending.length} migration(s) (${pending.join(', ')}); run \`dendrite-history migrate\` or open the store with { migrate: true }`,
    );
    this.pending = pending;
  }
}

/** The store or handle was used after close(). */
export class ClosedError extends DendriteError {
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}

/**
 * A function the caller plugged in (an embedder, a chooser) threw or answered something unusable.
 * Nothing was written.
 */
export class PluginError extends DendriteError {
  /** Which plug-in: 'embed' or 'choose'. */
  readonly plugin: string;
  constructor(plugin: string, message: string, options?: { cause?: unknown }) {
    super('PLUGIN', message, options);
    this.plugin = plugin;
  }
}

/** Any other database error, with its SQLSTATE. */
export class DatabaseError extends DendriteError {
  readonly sqlState: string | undefined;
  constructor(message: string, sqlState: string | undefined, options?: { cause?: unknown }) {
    super('DATABASE', message, options);
    this.sqlState = sqlState;
  }
}

/**
 * SQLSTATEs worth retrying. Faults of a moment: serialization failure, deadlock, lock timeouts
 * (statement timeouts and admin shutdowns are class 57 below). And faults of the database as a
 * whole rather than of a row, which an operator or a failover cures: a read-only server (25006, a
 * standby after failover), missing privilege (42501), a missing table, column, function or
 * database (42P01, 42703, 42883, 3D000: a database restored or migrated under the writer).
 * Retrying keeps those rows (spooled at close) where refusing them would set every row aside.
 */
const RETRYABLE_SQLSTATES = new Set([
  '40001',
  '40P01',
  '55P03',
  '55006',
  '25006',
  '42501',
  '42P01',
  '42703',
  '42883',
  '3D000',
]);
/**
 * SQLSTATE classes retried as a whole: connection (08), authorization (28: a password rotated or a
 * login revoked under a running writer), insufficient resources (53: disk full, out of memory, too
 * many connections), operator intervention (57), system errors (58: I/O).
 */
const RETRYABLE_CLASSES = new Set(['08', '28', '53', '57', '58']);
/** Node socket errors that mean "the server is away", also retryable. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
}

/**
 * True for faults where the same statement may succeed later: connection loss, deadlock, timeouts,
 * and states of the whole database (read-only, full, missing privilege or table) rather than of a row.
 */
export function isRetryable(error: unknown): boolean {
  // A store closed under a writer is, to the writer, a database that went away: its rows are kept
  // (retried, then spooled for the next handle), never refused.
  if (error instanceof ConnectionError || error instanceof ClosedError) return true;
  if (error instanceof DendriteError) return false;
  const state = sqlStateOf(error);
  if (state !== undefined)
    return RETRYABLE_CLASSES.has(state.slice(0, 2)) || RETRYABLE_SQLSTATES.has(state);
  const errno = errnoOf(error);
  if (errno !== undefined) return CONNECTION_ERRNOS.has(errno);
  // pg raises plain Errors without a code when the socket ends mid-query.
  return error instanceof Error && !('code' in error);
}

/** Wraps a pg error in this library's error classes, by SQLSTATE / errno only. */
export function mapDatabaseError(error: unknown, context: string): Error {
  if (error instanceof DendriteError) return error;
  const state = sqlStateOf(error);
  if (state === '23503')
    return new NotFoundError(`${context}: referenced row does not exist`, { cause: error });
  if (
    state === '23514' ||
    state === '22P02' ||
    state === '22003' ||
    state === '22001' ||
    state === '23502'
  )
    return new ValidationError(`${context}: ${messageOf(error)}`, undefined, { cause: error });
  if (state === '28P01' || state === '28000')
    return new AuthenticationError(`${context}: the server rejected the user name or password`, {
      cause: error,
    });
  if (
    (state !== undefined && state.startsWith('08')) ||
    CONNECTION_ERRNOS.has(errnoOf(error) ?? '')
  )
    return new ConnectionError(`${context}: ${messageOf(error)}`, { cause: error });
  if (state !== undefined)
    return new DatabaseError(`${context}: ${messageOf(error)} (SQLSTATE ${state})`, state, {
      cause: error,
    });
  return error instanceof Error ? error : new Error(`${context}: ${String(error)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
