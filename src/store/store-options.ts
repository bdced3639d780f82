import { wholeNumber } from '../checks.js';
import { ValidationError } from '../errors.js';
import type { StoreOptions } from './types.js';

/** PostgreSQL's `statement_timeout` holds at most INT_MAX milliseconds. */
const MAX_STATEMENT_TIMEOUT_MS = 2_147_483_647;

const named = (v: string): boolean => v.trim() !== '' && !v.includes('\0');
const anyText = (): boolean => true;

/** Text `config` fields, and what they must be (numbers: CONFIG_NUMBERS). */
const CONFIG_TEXTS: Record<string, [(v: string) => boolean, string]> = {
  host: [named, 'a host name'],
  database: [named, 'a database name'],
  user: [named, 'a user name'],
  password: [anyText, 'a string'],
  readUrl: [anyText, 'a postgres:// URL'],
  applicationName: [anyText, 'a string'],
  options: [anyText, 'a string'],
};

/** Whole-number `config` fields: [min, max, unit]. */
const CONFIG_NUMBERS: Record<string, [number, number, string]> = {
  port: [1, 65_535, ''],
  poolMin: [0, 1_000, ''],
  poolMax: [1, 1_000, ''],
  connectTimeoutMs: [0, MAX_STATEMENT_TIMEOUT_MS, ' of ms (0: no limit)'],
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
  if (o.statementTimeoutMs !== undefined)
    wholeNumber(
      o.statementTimeoutMs,
      'statementTimeoutMs',
      0,
      MAX_STATEMENT_TIMEOUT_MS,
      ' of ms (0: no limit)',
    );
  const config = o.config;
  if (config === undefined) return;
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ValidationError('config must be an object of connection settings', 'config');
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const range = CONFIG_NUMBERS[key];
    if (range !== undefined) wholeNumber(value, `config.${key}`, range[0], range[1], range[2]);
    const text = CONFIG_TEXTS[key];
    if (text !== undefined && (typeof value !== 'string' || !text[0](value)))
      throw new ValidationError(`config.${key} must be ${text[1]}`, `config.${key}`);
    // tls and future settings: checked where they are used
  }
}
