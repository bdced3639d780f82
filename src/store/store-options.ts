import { ValidationError } from '../errors.js';
import type { StoreOptions } from './types.js';

/** PostgreSQL's `statement_timeout` holds at most INT_MAX milliseconds. */
const MAX_STATEMENT_TIMEOUT_MS = 2_147_483_647;

type Check = (value: unknown) => boolean;

const text: Check = (v) => typeof v === 'string';
const name: Check = (v) => typeof v === 'string' && v.trim() !== '' && !v.includes('\0');
const whole =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Each `config` field a caller may give, and what it must be. */
const CONFIG_FIELDS: Record<string, [Check, string]> = {
  host: [name, 'a host name'],
  port: [whole(1, 65_535), 'a whole number from 1 to 65535'],
  database: [name, 'a database name'],
  user: [name, 'a user name'],
  password: [text, 'a string'],
  poolMin: [whole(0, 1_000), 'a whole number from 0 to 1000'],
  poolMax: [whole(1, 1_000), 'a whole number from 1 to 1000'],
  readUrl: [text, 'a postgres:// URL'],
  applicationName: [text, 'a string'],
  options: [text, 'a string'],
  connectTimeoutMs: [whole(0, MAX_STATEMENT_TIMEOUT_MS), 'a whole number of ms (0: no limit)'],
};

/**
 * Checks the shape of ExecutionStore.open()'s options before anything connects: a wrong type or
 * range is a ValidationError naming the option, not a raw TypeError, a socket RangeError after the
 * connect timeout, or the server's refusal of a setting. The URLs themselves are parsed later
 * (a ConfigError that never shows a password).
 */
export function checkStoreOptions(options: StoreOptions): void {
  const o = options as Record<string, unknown>;
  for (const key of ['connectionString', 'readUrl'])
    if (o[key] !== undefined && typeof o[key] !== 'string')
      throw new ValidationError(`${key} must be a postgres:// URL (a string)`, key);
  if (o.migrate !== undefined && typeof o.migrate !== 'boolean')
    throw new ValidationError('migrate must be true or false', 'migrate');
  const timeout = o.statementTimeoutMs;
  if (timeout !== undefined && !whole(0, MAX_STATEMENT_TIMEOUT_MS)(timeout))
    throw new ValidationError(
      `statementTimeoutMs must be a whole number of ms from 0 (no limit) to ${MAX_STATEMENT_TIMEOUT_MS}`,
      'statementTimeoutMs',
    );
  const config = o.config;
  if (config === undefined) return;
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ValidationError('config must be an object of connection settings', 'config');
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const rule = CONFIG_FIELDS[key];
    if (rule === undefined) continue; // tls and future settings: checked where they are used
    if (!rule[0](value))
      throw new ValidationError(`config.${key} must be ${rule[1]}`, `config.${key}`);
  }
}
