import { serializeUnit, type HistoryUnit } from './unit.js';

/**
 * Spool text is cut into pieces of about this many characters: a run whose JSON line would be
 * longer goes to the spool as several lines, each with the execution row and part of the tool
 * runs, and many runs are written as several buffers. A line has to come back whole through one
 * string when it is replayed: a run of many large tool runs (maxJsonBytes in MiB, hundreds of
 * calls) made a line the reader could not take back (quarantined instead of replayed), and a
 * batch of such runs a string longer than V8 allows (the whole batch counted lost). The database
 * keeps one execution row: inserting the same id again is idempotent.
 */
export const PIECE_CHARS = 16 * 1024 * 1024;

function lineOf(unit: HistoryUnit): string | undefined {
  try {
    return serializeUnit(unit);
  } catch (error) {
    // Longer than any string can be: the caller splits the run.
    if (error instanceof RangeError && unit.tools.length > 1) return undefined;
    throw error;
  }
}

/** The lines of one run: one, or its tool runs halved until each line fits `target`. */
function runLines(unit: HistoryUnit, target: number, out: string[]): void {
  const line = lineOf(unit);
  if (line !== undefined && (line.length <= target || unit.tools.length < 2)) {
    out.push(line);
    return;
  }
  const mid = unit.tools.length >> 1;
  runLines({ execution: unit.execution, tools: unit.tools.slice(0, mid) }, target, out);
  runLines({ execution: unit.execution, tools: unit.tools.slice(mid) }, target, out);
}

/**
 * The spool bytes of `units`, as buffers of about `target` characters each (one buffer for the
 * usual batch): written one after another, then one fsync.
 */
export function spoolPieces(units: readonly HistoryUnit[], target = PIECE_CHARS): Buffer[] {
  const pieces: Buffer[] = [];
  let text = '';
  const lines: string[] = [];
  for (const unit of units) {
    lines.length = 0;
    runLines(unit, target, lines);
    for (const line of lines) {
      if (text.length > 0 && text.length + line.length > target) {
        pieces.push(Buffer.from(text));
        text = '';
      }
      text += line;
    }
  }
  if (text.length > 0) pieces.push(Buffer.from(text));
  return pieces;
}
