import { createHash, randomFillSync } from 'node:crypto';

/** Per character code below 128: 1 a lower-case hex digit or a digit, 2 an upper-case hex digit. */
const HEX_KIND = new Uint8Array(128);
for (const c of '0123456789abcdef') HEX_KIND[c.charCodeAt(0)] = 1;
for (const c of 'ABCDEF') HEX_KIND[c.charCodeAt(0)] = 2;

/**
 * 0 when `value` is not a UUID (8-4-4-4-12 hex digits), 1 when it is one in lower case, 2 when it
 * has upper-case digits. A character loop: ids are checked several times per run, and the regular
 * expression cost about five times as much.
 */
function uuidForm(value: string): 0 | 1 | 2 {
  if (value.length !== 36) return 0;
  let kinds = 0;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return 0; // '-'
      continue;
    }
    const kind = c < 128 ? HEX_KIND[c]! : 0;
    if (kind === 0) return 0;
    kinds |= kind;
  }
  return kinds & 2 ? 2 : 1;
}

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
  return typeof value === 'string' && uuidForm(value) !== 0;
}

/** `id` lower-cased when it is a UUID, else undefined. */
function givenUuid(id: string): string | undefined {
  const form = uuidForm(id);
  return form === 0 ? undefined : form === 1 ? id : id.toLowerCase();
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
  return givenUuid(runId) ?? uuidV5(`run:${runId}`);
}

/**
 * The call id of a tool run: a UUID as given (lower-cased), any other id as the UUIDv5 of
 * `call:<execution id>:<id>`, so the same foreign call id in two runs gives two rows.
 */
export function callUuid(executionId: string, callId: string): string {
  return givenUuid(callId) ?? uuidV5(`call:${executionId}:${callId}`);
}
