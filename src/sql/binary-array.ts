/**
 * A `text[]` parameter in PostgreSQL's binary array format, for the bulk inserts' text and JSON
 * columns. pg sends a Buffer parameter as binary, and the server reads each element by its
 * length: nothing is quoted or escaped, so the JSON columns (full of `"`) cost a length and a
 * UTF-8 copy per value instead of an escaped copy, a join and pg's own re-encoding, and no
 * garbage is left on the JavaScript heap (the bytes live outside it).
 *
 * Layout (array_recv): ndim = 1, has-nulls flag, element type oid (text), length, lower bound 1,
 * then per element a 4-byte length (-1 for NULL) and its UTF-8 bytes. Strings are encoded the way
 * pg encodes a text parameter (Buffer's UTF-8: a lone surrogate becomes U+FFFD), so the server
 * stores what it stored before and refuses what it refused before (NUL, say).
 */

const TEXT_OID = 25;
const TIMESTAMPTZ_OID = 1184;
const HEADER_BYTES = 20;

/** A buffer of `size` bytes starting with a one-dimensional array's header (see above). */
function arrayBuffer(size: number, nulls: number, oid: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0);
  out.writeInt32BE(nulls, 4);
  out.writeInt32BE(oid, 8);
  out.writeInt32BE(n, 12);
  out.writeInt32BE(1, 16);
  return out;
}

export function binaryTextArray<T>(rows: readonly T[], pick: (row: T) => string | null): Buffer {
  const n = rows.length;
  const values = new Array<string | null>(n);
  let size = HEADER_BYTES;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = pick(rows[i]!) ?? null;
    values[i] = v;
    if (v === null) {
      nulls = 1;
      size += 4;
    } else size += 4 + Buffer.byteLength(v, 'utf8');
  }
  const out = arrayBuffer(size, nulls, TEXT_OID, n);
  let at = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === null) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const written = v.length === 0 ? 0 : out.write(v, at + 4, 'utf8');
    out.writeInt32BE(written, at);
    at += 4 + written;
  }
  return out;
}

/** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
/** Years 1-9999: the times a binary timestamp is sent for (the text path keeps the rest). */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

/**
 * A `timestamptz[]` parameter in binary (microseconds since 2000 as int64 per element), or
 * undefined when a time is invalid or outside years 1-9999: the caller then sends the text
 * literal, so the server accepts or refuses those as before. Saves formatting each time as ISO
 * text for the server to parse back.
 */
export function binaryTimestampArray<T>(
  rows: readonly T[],
  pick: (row: T) => Date | null,
): Buffer | undefined {
  const n = rows.length;
  const times = new Float64Array(n);
  let nulls = 0;
  let size = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    const d = pick(rows[i]!) ?? null;
    if (d === null) {
      times[i] = Number.NaN;
      nulls = 1;
      size += 4;
      continue;
    }
    const ms = d.getTime();
    if (!(ms >= MIN_MS && ms <= MAX_MS)) return undefined; // NaN too
    times[i] = ms;
    size += 12;
  }
  const out = arrayBuffer(size, nulls, TIMESTAMPTZ_OID, n);
  let at = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    const ms = times[i]!;
    if (Number.isNaN(ms)) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    out.writeInt32BE(8, at);
    const micros = (ms - PG_EPOCH_MS) * 1000;
    if (Number.isSafeInteger(micros)) {
      const hi = Math.floor(micros / TWO_32);
      out.writeInt32BE(hi, at + 4);
      out.writeUInt32BE(micros - hi * TWO_32, at + 8);
    } else out.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n, at + 4);
    at += 12;
  }
  return out;
}
