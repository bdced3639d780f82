import { ConfigError } from './errors.js';

/** Where and how to connect. Everything is validated once, here. */
export interface DatabaseConfig {
  /** Host name. Default `localhost` (from `POSTGRES_HOST`). */
  host: string;
  /** Port. Default `5432` (from `POSTGRES_PORT`). */
  port: number;
  /** Database name. Default `dendrite` (from `POSTGRES_DB`), as in docker-compose.yml. */
  database: string;
  /** User. Default `dendrite` (from `POSTGRES_USER`). */
  user: string;
  /** Password. Default `dendrite_pass` (from `POSTGRES_PASSWORD`). Never printed. */
  password: string;
  /** Smallest pool size. Default 1 (from `POSTGRES_POOL_MIN`). */
  poolMin: number;
  /** Largest pool size. Default 10 (from `POSTGRES_POOL_MAX`). */
  poolMax: number;
  /** Optional replica for analytics reads (from `POSTGRES_READ_URL`). Writes and jobs never use it. */
  readUrl?: string | undefined;
}

export type Env = Record<string, string | undefined>;

const DEFAULTS = {
  host: 'localhost',
  port: 5432,
  database: 'dendrite',
  user: 'dendrite',
  password: 'dendrite_pass',
  poolMin: 1,
  poolMax: 10,
} as const;

function intFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Parses a postgres:// URL into parts; the message on failure never echoes the password. */
export function parseDatabaseUrl(
  url: string,
  name = 'DATABASE_URL',
): Pick<DatabaseConfig, 'host' | 'port' | 'database' | 'user' | 'password'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `${name} is not a valid URL (expected postgres://user:password@host:5432/database): ${maskConnectionString(url)}`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new ConfigError(
      `${name} must start with postgres:// or postgresql://, got ${parsed.protocol}//`,
    );
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '')
    throw new ConfigError(
      `${name} names no database (add /dbname after the host): ${maskConnectionString(url)}`,
    );
  return {
    host: decodeURIComponent(parsed.hostname) || DEFAULTS.host,
    port,
    database,
    user: decodeURIComponent(parsed.username) || DEFAULTS.user,
    password: decodeURIComponent(parsed.password),
  };
}

/** Reads the environment into a validated config. Throws ConfigError with what to fix. */
export function loadConfig(env: Env = process.env): DatabaseConfig {
  const poolMin = intFrom(env, 'POSTGRES_POOL_MIN', DEFAULTS.poolMin, 0, 1000);
  const poolMax = intFrom(env, 'POSTGRES_POOL_MAX', DEFAULTS.poolMax, 1, 1000);
  if (poolMin > poolMax)
    throw new ConfigError(
      `POSTGRES_POOL_MIN (${poolMin}) must not exceed POSTGRES_POOL_MAX (${poolMax})`,
    );
  const readUrl = env.POSTGRES_READ_URL?.trim() || undefined;
  if (readUrl !== undefined) parseDatabaseUrl(readUrl, 'POSTGRES_READ_URL');
  const url = env.DATABASE_URL?.trim();
  if (url) return { ...parseDatabaseUrl(url), poolMin, poolMax, readUrl };
  return {
    host: env.POSTGRES_HOST?.trim() || DEFAULTS.host,
    port: intFrom(env, 'POSTGRES_PORT', DEFAULTS.port, 1, 65535),
    database: env.POSTGRES_DB?.trim() || DEFAULTS.database,
    user: env.POSTGRES_USER?.trim() || DEFAULTS.user,
    password: env.POSTGRES_PASSWORD ?? DEFAULTS.password,
    poolMin,
    poolMax,
    readUrl,
  };
}

/** Builds a config from a connection string plus defaults for the rest. */
export function configFromUrl(
  url: string,
  overrides: Partial<DatabaseConfig> = {},
): DatabaseConfig {
  return {
    ...parseDatabaseUrl(url),
    poolMin: DEFAULTS.poolMin,
    poolMax: DEFAULTS.poolMax,
    ...overrides,
  };
}

/** The connection string with its password replaced by `***`, safe to print. */
export function maskConnectionString(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@]*)@/i, '$1***@');
}

/** A printable description of where a config points: user@host:port/db, no password. */
export function describeConfig(
  config: Pick<DatabaseConfig, 'host' | 'port' | 'database' | 'user'>,
): string {
  return `${config.user}@${config.host}:${config.port}/${config.database}`;
}

/** A connection string for a config (holds the password: never print it, use describeConfig). */
export function toConnectionString(
  config: Pick<DatabaseConfig, 'host' | 'port' | 'database' | 'user' | 'password'>,
): string {
  const auth = `${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}`;
  return `postgres://${auth}@${config.host}:${config.port}/${encodeURIComponent(config.database)}`;
}
