import {
  maskConnectionString,
  parseConnectionString,
  type TlsSettings,
} from './connection-string.js';
import { ConfigError } from './errors.js';

export { maskConnectionString };
export type { TlsSettings };

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
  /** TLS (from `sslmode`, `sslrootcert`, `sslcert`, `sslkey` in the URL). Default: none, plain TCP. */
  tls?: TlsSettings | undefined;
  /** Name shown in pg_stat_activity (`application_name`). Default: `dendrite-history` per pool. */
  applicationName?: string | undefined;
  /** Server options sent when connecting (`options=-c search_path=app`). Default none. */
  options?: string | undefined;
  /** Connect timeout in ms (`connect_timeout`, in seconds, in the URL; 0 waits for ever). Default 10 s. */
  connectTimeoutMs?: number | undefined;
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

/**
 * Parses a postgres:// URL (libpq's parameters included: sslmode, sslrootcert, application_name,
 * options, connect_timeout, ...). A malformed URL is a ConfigError that never echoes the password.
 */
export function parseDatabaseUrl(
  url: string,
  name = 'DATABASE_URL',
): Omit<DatabaseConfig, 'poolMin' | 'poolMax' | 'readUrl'> {
  const settings = parseConnectionString(url, name, { host: DEFAULTS.host, user: DEFAULTS.user });
  const config: Omit<DatabaseConfig, 'poolMin' | 'poolMax' | 'readUrl'> = {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
  };
  // Only what the URL says: absent keys keep configs equal to those built by hand.
  if (settings.tls !== undefined) config.tls = settings.tls;
  if (settings.applicationName !== undefined) config.applicationName = settings.applicationName;
  if (settings.options !== undefined) config.options = settings.options;
  if (settings.connectTimeoutMs !== undefined) config.connectTimeoutMs = settings.connectTimeoutMs;
  return config;
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
  name = 'connectionString',
): DatabaseConfig {
  return {
    ...parseDatabaseUrl(url, name),
    poolMin: DEFAULTS.poolMin,
    poolMax: DEFAULTS.poolMax,
    ...overrides,
  };
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
