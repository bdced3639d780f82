import { createHash, randomFillSync } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Two ASCII hex digits per byte value. */
const HEX = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  HEX[2 * b] = h.charCodeAt(0);
  HEX[2 * b + 1] = h.charCodeAt(1);
}

/** Random bytes drawn in bulk: one getrandom call per 409 ids rather than one per id. */
const entropy = Buffer.alloc(4096);
let entropyAt = entropy.length;

/** The id being written, dashes in place; its time digits are rewritten once per millisecond. */
const idText = Buffer.alloc(36, '-');
let idMs = -1;

function hexByte(b: number, at: number): void {
  idText[at] = HEX[2 * b]!;
  idText[at + 1] = HEX[2 * b + 1]!;
}

/**
 * A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits,
 * so new rows land at the right end of the primary key index. Written as ASCII into a buffer and
 * read out as one flat string: an id built by concatenation is a rope that each first use (a Map
 * key, a UUID check) has to flatten, which cost more than making the id.
 */
export function newId(): string {
  const now = Date.now();
  if (now !== idMs) {
    idMs = now;
    const hi = Math.floor(now / 0x1000000);
    const lo = now % 0x1000000;
    hexByte((hi >>> 16) & 0xff, 0);
    hexByte((hi >>> 8) & 0xff, 2);
    hexByte(hi & 0xff, 4);
    hexByte((lo >>> 16) & 0xff, 6);
    hexByte((lo >>> 8) & 0xff, 9);
    hexByte(lo & 0xff, 11);
  }
  if (entropyAt + 10 > entropy.length) {
    randomFillSync(entropy);
    entropyAt = 0;
  }
  const r = entropyAt;
  entropyAt += 10;
  hexByte((entropy[r]! & 0x0f) | 0x70, 14); // version 7, then 12 random bits
  hexByte(entropy[r + 1]!, 16);
  hexByte((entropy[r + 2]! & 0x3f) | 0x80, 19); // variant 10, then 62 random bits
  hexByte(entropy[r + 3]!, 21);
  for (let k = 0; k < 6; k++) hexByte(entropy[r + 4 + k]!, 24 + 2 * k);
  return idText.toString('latin1', 0, 36);
}

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
