import { createHash, randomUUID } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits, so
 * new rows land at the right end of the primary key index. Built on crypto.randomUUID(), whose
 * batched entropy is several times cheaper per id than filling a fresh buffer each call: the
 * v4's random bits and variant are kept, its first 48 bits become the timestamp, its version 7.
 */
export function newId(): string {
  const now = Date.now();
  if (now !== prefixMs) {
    const ms = now.toString(16).padStart(12, '0');
    prefix = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7`;
    prefixMs = now;
  }
  return prefix + randomUUID().slice(15);
}

// The timestamp part of the ids of the current millisecond: built once per millisecond rather
// than per id (several ids per run share it; half the cost of an id). A cache, not shared state.
let prefixMs = -1;
let prefix = '';

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** The fixed namespace of foreign ids (a random v4, chosen once for this library; never change it). */
export const FOREIGN_ID_NAMESPACE = '5b0c7f64-2a57-4d8e-9c0f-4e7a1b2d3c91';

const NAMESPACE_BYTES = Buffer.from(FOREIGN_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/**
 * A name-based UUID (version 5, RFC 9562: SHA-1 of namespace + name): the same name always gives
 * the same id, so a redelivered or replayed foreign event lands on the row it created before.
 */
export function uuidV5(name: string, namespace: Buffer = NAMESPACE_BYTES): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The execution id of a run: a UUID as given (lower-cased), any other id (OTel trace ids,
 * `trace_…`, numbers) as the UUIDv5 of `run:<id>` in FOREIGN_ID_NAMESPACE.
 */
export function runUuid(runId: string): string {
  return isUuid(runId) ? runId.toLowerCase() : uuidV5(`run:${runId}`);
}

/**
 * The call id of a tool run: a UUID as given (lower-cased), any other id as the UUIDv5 of
 * `call:<execution id>:<id>`, so the same foreign call id in two runs gives two rows.
 */
export function callUuid(executionId: string, callId: string): string {
  return isUuid(callId) ? callId.toLowerCase() : uuidV5(`call:${executionId}:${callId}`);
}
