/**
 * Names carried beside values rather than as keys: `[name, value]` tuples, flat `[name, value, …]`
 * header lists, and `{ name, value }` objects. The value is judged by the name, like a key's.
 */

/** A name for an HTTP header or an env variable, as found in `[name, value]` tuples. */
export const PAIR_KEY = /^[A-Za-z0-9!#$%&'*+.^_`|~:-]{1,64}$/;
/**
 * `['authorization', 'Bearer …']` tuples and flat `[name, value, name, value]` lists (Node's
 * rawHeaders): the value after a secret-named string is judged like the value of that key.
 */
export function pairedKeys(items: readonly unknown[]): boolean {
  const n = items.length;
  if (n < 2 || n % 2 !== 0 || n > 256) return false;
  for (let i = 0; i < n; i += 2) {
    const k = items[i];
    if (typeof k !== 'string' || !PAIR_KEY.test(k)) return false;
  }
  return true;
}

/** Fields that name the entry of a name/value object, and those that hold its value. */
const PAIR_NAME_FIELDS = ['name', 'Name', 'key', 'Key', 'ParameterKey', 'OptionName'];
export const PAIR_VALUE_FIELDS = new Set(['value', 'Value', 'ParameterValue']);
export const PAIR_NAME_SET: ReadonlySet<string> = new Set(PAIR_NAME_FIELDS);

/** The name in `obj[field]` when it reads as a name (a throwing getter is reported elsewhere). */
function nameIn(obj: Record<string, unknown>, field: string): string | undefined {
  let name: unknown;
  try {
    name = obj[field];
  } catch {
    return undefined; // reported when the field itself is walked
  }
  return typeof name === 'string' && PAIR_KEY.test(name) ? name : undefined;
}

/**
 * pairName for an object known to hold a value field, without listing its keys (the direct JSON
 * writer's hot path): from the first name field it has of its own.
 */
export function carriedName(obj: Record<string, unknown>): string | undefined {
  for (const field of PAIR_NAME_FIELDS)
    if (Object.prototype.propertyIsEnumerable.call(obj, field)) return nameIn(obj, field);
  return undefined;
}

/** The name a `{ name, value }` object carries, when it has both fields and the name is a string. */
export function pairName(
  obj: Record<string, unknown>,
  keys: readonly string[],
): string | undefined {
  if (keys.length < 2 || !keys.some((k) => PAIR_VALUE_FIELDS.has(k))) return undefined;
  for (const field of PAIR_NAME_FIELDS) if (keys.includes(field)) return nameIn(obj, field);
  return undefined;
}
