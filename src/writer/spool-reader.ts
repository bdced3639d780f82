import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseUnit, unitRows, type HistoryUnit } from './unit.js';

/**
 * Reading spool files without trusting them: a file may end in a torn line (a crash mid-append),
 * hold garbage bytes (a damaged disk) or valid JSON of the wrong shape (another version, a hand
 * edit). Files are read as bytes in chunks, split at newlines, and every line is decoded (strict
 * UTF-8), parsed and validated. Good lines are replayed; bad ones are noted as byte ranges and,
 * once the rest of the file is in the database, copied to `rejected.jsonl`: nothing is dropped
 * silently, and a file that is replayed twice (the database went away mid-file) is not
 * quarantined twice. Memory stays at one chunk plus one line.
 */

const CHUNK_BYTES = 64 * 1024;
/**
 * A "line" longer than this is damage, not a run: the writer cuts a run's tool runs over several
 * lines of about PIECE_CHARS (spool-lines.ts); only a single tool run of over 256 MiB is longer.
 */
const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** Damaged bytes are copied to the quarantine in pieces of this size (base64). */
const QUARANTINE_PIECE = 768 * 1024;

export interface BadRegion {
  start: number;
  end: number;
  /** Lines in the region (adjacent damaged lines are merged). */
  lines: number;
  reason: string;
  /** A line of valid JSON of the wrong shape: copied verbatim; otherwise as base64. */
  json: boolean;
}

interface RawLine {
  bytes: Buffer | undefined;
  start: number;
  end: number;
  terminated: boolean;
}

/** Lines of a file as bytes with their offsets; an overlong line comes with `bytes` undefined. */
async function* rawLines(file: string): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let overlong = false;
  let start = 0;
  let offset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    const buf = chunk as Buffer;
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, from);
      const piece = buf.subarray(from, nl === -1 ? buf.length : nl);
      if (!overlong) {
        if (partBytes + piece.length > MAX_LINE_BYTES) {
          overlong = true;
          parts = [];
        } else if (piece.length > 0) parts.push(piece);
        partBytes += piece.length;
      }
      if (nl === -1) break;
      const end = offset + nl;
      yield {
        bytes: overlong ? undefined : Buffer.concat(parts),
        start,
        end,
        terminated: true,
      };
      parts = [];
      partBytes = 0;
      overlong = false;
      start = end + 1;
      from = nl + 1;
    }
    offset += buf.length;
  }
  if (offset > start)
    yield {
      bytes: overlong ? undefined : Buffer.concat(parts),
      start,
      end: offset,
      terminated: false,
    };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a spool file in groups of about `batchRows` rows. Bad lines go to `bad` (adjacent
 * damaged lines merged into one region), for the caller to quarantine after the replay.
 */
export async function* readUnits(
  file: string,
  batchRows: number,
  bad: BadRegion[],
): AsyncGenerator<HistoryUnit[]> {
  let batch: HistoryUnit[] = [];
  let rows = 0;
  const note = (line: RawLine, reason: string, json: boolean): void => {
    const last = bad[bad.length - 1];
    if (!json && last !== undefined && !last.json && last.end + 1 >= line.start) {
      last.end = line.end;
      last.lines += 1;
    } else bad.push({ start: line.start, end: line.end, lines: 1, reason, json });
  };
  for await (const line of rawLines(file)) {
    if (line.bytes === undefined) {
      note(line, 'a line longer than any run', false);
      continue;
    }
    if (line.bytes.length === 0 || (line.bytes.length === 1 && line.bytes[0] === 0x0d)) continue;
    let text: string;
    try {
      text = utf8.decode(line.bytes);
    } catch {
      note(line, 'bytes that are not UTF-8', false);
      continue;
    }
    const parsed = parseUnit(text);
    if ('invalid' in parsed) {
      note(line, line.terminated ? parsed.invalid : 'a torn last line', parsed.json);
      continue;
    }
    batch.push(parsed);
    rows += unitRows(parsed);
    if (rows >= batchRows) {
      yield batch;
      batch = [];
      rows = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Copies bad regions of `file` into the quarantine as JSON lines: a valid-JSON line verbatim,
 * damaged bytes as `{"damaged":{file,offset,bytes,lines,reason,base64}}` pieces. Returns the text
 * to append (built piecewise by the caller through `append`).
 */
export async function copyRegions(
  file: string,
  name: string,
  regions: readonly BadRegion[],
  append: (text: string) => Promise<void>,
): Promise<void> {
  const handle = await open(file, 'r');
  try {
    for (const r of regions) {
      for (let at = r.start; at < r.end; at += QUARANTINE_PIECE) {
        const length = Math.min(QUARANTINE_PIECE, r.end - at);
        const buf: Buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, at);
        const bytes = buf.subarray(0, bytesRead);
        if (r.json && at === r.start && r.end - r.start <= QUARANTINE_PIECE) {
          await append(`${bytes.toString('utf8')}\n`);
          continue;
        }
        const damaged = {
          file: name,
          offset: at,
          bytes: bytesRead,
          lines: at === r.start ? r.lines : 0,
          reason: r.reason,
          base64: bytes.toString('base64'),
        };
        await append(`${JSON.stringify({ damaged })}\n`);
      }
    }
  } finally {
    await handle.close();
  }
}

/** Lines quarantined from the regions (what the counters and the event report). */
export function regionLines(regions: readonly BadRegion[]): number {
  let n = 0;
  for (const r of regions) n += r.lines;
  return n;
}

const TOOL_KEY = Buffer.from('"callId":');
const NEWLINE = 0x0a;

/**
 * Counts the rows of a spool file without parsing it (the close report's inventory): one per
 * line, plus one per tool run. A tool run's key `"callId":` preceded by `{` or `,` can only be
 * structure: inside a JSON string every quote is escaped. Stops early when `stop()` says so and
 * returns undefined then. Memory: one chunk.
 */
export async function countRows(file: string, stop: () => boolean): Promise<number | undefined> {
  let rows = 0;
  let carry: Buffer = Buffer.alloc(0);
  let pendingLine = false;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    if (stop()) return undefined;
    const buf: Buffer =
      carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const fresh = carry.length;
    for (let i = buf.indexOf(NEWLINE, fresh); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) rows += 1;
    for (let i = buf.indexOf(TOOL_KEY); i !== -1; i = buf.indexOf(TOOL_KEY, i + 1)) {
      // A match wholly inside the carried bytes was counted with the previous chunk.
      if (i + TOOL_KEY.length <= fresh) continue;
      const before = i > 0 ? buf[i - 1] : undefined;
      if (before === 0x7b || before === 0x2c) rows += 1;
    }
    pendingLine = buf[buf.length - 1] !== NEWLINE;
    carry = buf.subarray(Math.max(0, buf.length - TOOL_KEY.length));
  }
  // A last line without its newline still holds an execution.
  return pendingLine ? rows + 1 : rows;
}
