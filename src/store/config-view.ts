import { inspect } from 'node:util';
import { maskConnectionString, type DatabaseConfig } from '../config.js';

const MASK = '***';

/** The config as it may be printed or serialized: password and replica URL masked. */
export function maskedConfig(config: DatabaseConfig): Record<string, unknown> {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: MASK,
    poolMin: config.poolMin,
    poolMax: config.poolMax,
    ...(config.readUrl === undefined ? {} : { readUrl: maskConnectionString(config.readUrl) }),
  };
}

/**
 * A copy of the config that still answers `.password` and `.readUrl` (for code that connects with
 * it) but never shows them: both are non-enumerable, and `JSON.stringify` / `util.inspect` see
 * the masked form. Frozen, so the store's own settings cannot be changed through it.
 */
export function configView(config: DatabaseConfig): DatabaseConfig {
  const view: DatabaseConfig = {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: '',
    poolMin: config.poolMin,
    poolMax: config.poolMax,
  };
  const hidden = (value: unknown): PropertyDescriptor => ({ value, enumerable: false });
  Object.defineProperties(view, {
    password: hidden(config.password),
    readUrl: hidden(config.readUrl),
    toJSON: hidden(() => maskedConfig(config)),
    [inspect.custom]: hidden(() => maskedConfig(config)),
  });
  return Object.freeze(view);
}
