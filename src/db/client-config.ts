import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { TlsSettings } from '../connection-string.js';
import { AuthenticationError, ConfigError } from '../errors.js';

/** Connect timeout when the config names none. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read ${what} ${file} (${String((error as NodeJS.ErrnoException).code)})`,
    );
  }
}

/** Node TLS options for libpq's modes; files are read when a pool or client is made. */
export function tlsOptions(tls: TlsSettings | undefined): ConnectionOptions | false {
  if (tls === undefined) return false;
  const options: ConnectionOptions = {};
  if (tls.rootCert !== undefined) options.ca = readPem(tls.rootCert, 'sslrootcert');
  if (tls.cert !== undefined) options.cert = readPem(tls.cert, 'sslcert');
  if (tls.key !== undefined) options.key = readPem(tls.key, 'sslkey');
  if (tls.mode === 'require') options.rejectUnauthorized = false;
  // verify-ca: the chain is checked, the name is not (libpq's meaning).
  if (tls.mode === 'verify-ca') options.checkServerIdentity = () => undefined;
  return options;
}

/**
 * The password as pg wants it. An empty one becomes a function pg calls only when the server asks
 * for a password, failing with a clear AuthenticationError instead of pg's "SASL: client password
 * must be a string" (a server that trusts the connection never asks).
 */
function passwordOf(config: DatabaseConfig): pg.ClientConfig['password'] {
  if (config.password !== '') return config.password;
  return () => {
    throw new AuthenticationError(
      `no password given for user "${config.user}" (the server asks for one)`,
      { reason: 'missing' },
    );
  };
}

/**
 * Everything pg needs to connect for a config: one place for host, TLS, timeouts, server options
 * and the application name (the config's, else `fallbackName`).
 */
export function clientConfig(config: DatabaseConfig, fallbackName: string): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: passwordOf(config),
    ssl: tlsOptions(config.tls),
    connectionTimeoutMillis: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: config.applicationName ?? fallbackName,
    ...(config.options === undefined ? {} : { options: config.options }),
  };
}
