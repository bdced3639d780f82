import { maskConnectionString } from '../index.js';

/** An error already phrased for the person at the terminal, with the exit code to leave with. */
export class CliFailure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}

/** Exit codes: 1 for a command that failed, 2 for usage, configuration and connection problems. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Where a command was pointed, for messages. Holds no password. */
export interface TargetDescription {
  host: string;
  port: number;
  user: string;
  database: string;
  /** True when the server is the embedded one this process started. */
  embedded: boolean;
  /**
   * True when `docker compose up -d` would start the server asked for: this project's
   * docker-compose.yml is at hand (a clone, not an npm install) and the target is its
   * localhost:5432. Default false.
   */
  composeFits?: boolean;
  /** The TLS mode the connection string asked for, when it asked for one. */
  tlsMode?: string;
}

/** An uncoded failure of a connection that asked for TLS (pg: "The server does not support SSL"). */
function tlsFailure(
  error: unknown,
  where: string,
  target: TargetDescription | undefined,
): CliFailure | undefined {
  if (target?.tlsMode === undefined) return undefined;
  const inner = codeOf(error) === 'CONNECTION' ? (error as { cause?: unknown }).cause : error;
  if (inner === undefined || codeOf(inner) !== undefined) return undefined;
  return new CliFailure(
    [
      `PostgreSQL at ${where}: the TLS connection (sslmode asked for ${target.tlsMode}) failed: ${inner instanceof Error ? inner.message : String(inner)}.`,
      '  If the server has no TLS, leave sslmode out of the URL (or set sslmode=disable).',
    ].join('\n'),
    EXIT_USAGE,
  );
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause === undefined ? undefined : codeOf(cause);
}

function sqlStateOf(error: unknown): string | undefined {
  const state = (error as { sqlState?: unknown } | null)?.sqlState;
  if (typeof state === 'string') return state;
  const code = causeCode(error) ?? codeOf(error);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// Node's codes for a server certificate that failed the checks sslmode asked for.
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function tlsCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = codeOf(e);
    if (code !== undefined && TLS_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function authenticationFailure(
  error: unknown,
  where: string,
  target: TargetDescription | undefined,
): CliFailure {
  const user = target?.user ?? '?';
  if ((error as { reason?: unknown }).reason === 'missing')
    return new CliFailure(
      [
        `no password given for user "${user}": PostgreSQL at ${where} asks for one.`,
        '  Set POSTGRES_PASSWORD, or put it in DATABASE_URL (after the user name and a colon, before the @).',
      ].join('\n'),
      EXIT_USAGE,
    );
  if (sqlStateOf(error) === '28000')
    return new CliFailure(
      [
        `PostgreSQL at ${where} does not accept this connection for user "${user}" (its pg_hba.conf allows no such user, database, address or encryption).`,
        '  If it asks for TLS, add ?sslmode=require (or verify-full) to DATABASE_URL.',
      ].join('\n'),
      EXIT_USAGE,
    );
  return new CliFailure(
    [
      `password rejected for user "${user}" by PostgreSQL at ${where}.`,
      '  Check POSTGRES_PASSWORD, or the password part of DATABASE_URL (it is not shown here).',
    ].join('\n'),
    EXIT_USAGE,
  );
}

/**
 * Turns any error into a message a person can act on and an exit code. Decides by the errors'
 * stable `code`s and SQLSTATEs, never by message text.
 */
export function describeFailure(error: unknown, target?: TargetDescription): CliFailure {
  if (error instanceof CliFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const where = target === undefined ? 'the server' : `${target.host}:${target.port}`;
  const tls = tlsCode(error);
  if (tls !== undefined)
    return new CliFailure(
      [
        `PostgreSQL at ${where}: its TLS certificate was refused (${tls}: ${message}).`,
        "  With sslmode=verify-ca or verify-full, sslrootcert must name the CA that signed the server's certificate; verify-full also needs the host name in it.",
      ].join('\n'),
      EXIT_USAGE,
    );
  const tlsFailed = tlsFailure(error, where, target);
  if (tlsFailed !== undefined) return tlsFailed;
  if (sqlStateOf(error) === '28P01' || sqlStateOf(error) === '28000')
    return authenticationFailure(error, where, target);
  switch (codeOf(error)) {
    case 'CONNECTION': {
      if (target?.embedded) return new CliFailure(message, EXIT_USAGE);
      const reason = causeCode(error) ?? 'no answer in time';
      return new CliFailure(
        [
          `cannot reach PostgreSQL at ${where} (${reason}).`,
          ...(target?.composeFits ? ['  Start the bundled one with `docker compose up -d`,'] : []),
          '  point DATABASE_URL (or POSTGRES_HOST / POSTGRES_PORT) at yours,',
          '  or add --embedded to run an embedded PostgreSQL under .dendrite/ (no server needed).',
        ].join('\n'),
        EXIT_USAGE,
      );
    }
    case 'AUTHENTICATION':
      return authenticationFailure(error, where, target);
    case 'SCHEMA_BEHIND': {
      const pending = (error as { pending?: string[] }).pending ?? [];
      return new CliFailure(
        [
          `the database ${target === undefined ? '' : `${target.database} at ${where} `}is behind: ${pending.length} migration(s) not applied (${pending.join(', ')}).`,
          '  Run `npx dendrite-history migrate` with the same DATABASE_URL / POSTGRES_* settings.',
        ].join('\n'),
        EXIT_USAGE,
      );
    }
    case 'CONFIG':
      return new CliFailure(target?.embedded ? message : `configuration: ${message}`, EXIT_USAGE);
    case 'VALIDATION':
      return new CliFailure(message, EXIT_USAGE);
    case 'NOT_FOUND':
      return new CliFailure(message, EXIT_FAILURE);
    default:
      break;
  }
  if (sqlStateOf(error) === '3D000')
    return new CliFailure(
      [
        `database "${target?.database ?? '?'}" does not exist on ${where}.`,
        `  Create it (createdb -h ${target?.host ?? 'HOST'} -p ${target?.port ?? 5432} -U ${target?.user ?? 'USER'} ${target?.database ?? 'DB'}) or set POSTGRES_DB / DATABASE_URL.`,
      ].join('\n'),
      EXIT_USAGE,
    );
  return new CliFailure(message, EXIT_FAILURE);
}

/** Removes anything that looks like a password from text about to be printed. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = maskConnectionString(text).replace(
    /(postgres(?:ql)?:\/\/[^:/@\s]*:)([^@\s]*)@/gi,
    '$1***@',
  );
  // Very short secrets would mangle every message; they are masked inside URLs above.
  for (const secret of secrets) if (secret.length >= 4) result = result.replaceAll(secret, '***');
  return result;
}
