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

/**
 * Turns any error into a message a person can act on and an exit code. Decides by the errors'
 * stable `code`s and SQLSTATEs, never by message text.
 */
export function describeFailure(error: unknown, target?: TargetDescription): CliFailure {
  if (error instanceof CliFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const where = target === undefined ? 'the server' : `${target.host}:${target.port}`;
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
      return new CliFailure(
        [
          `PostgreSQL at ${where} rejected the password for user "${target?.user ?? '?'}".`,
          '  Check POSTGRES_PASSWORD, or the password part of DATABASE_URL (it is not shown here).',
        ].join('\n'),
        EXIT_USAGE,
      );
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
