/**
 * Field-level repair: a field of the wrong type or out of range is replaced (or dropped) and a note
 * is kept, so one bad value never costs its run. The notes become the execution's
 * `metadata._repaired` (a list of strings such as `tool "lookup" startedAt: not a time in years
 * 1-9999; replaced by the arrival time`).
 */

/** Notes kept per run at most; past it only `_repairedMore` counts. */
const MAX_NOTES = 20;

// PostgreSQL's timestamptz accepts 4713 BC to 294276 AD, JavaScript's Date ±275760 years: a value
// outside years 1-9999 is a bug upstream (seconds for ms, a sentinel), never a real event time.
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MIN_YEAR_1 = new Date(0).setUTCFullYear(1, 0, 1);

export class RepairNotes {
  /** Made on the first note: almost every run has none. */
  private notes: string[] | undefined;
  private more = 0;

  /** `max` notes are kept (default 20); 0 makes a sink for notes that have nowhere to go. */
  constructor(private readonly max = MAX_NOTES) {}

  add(note: string): void {
    const notes = (this.notes ??= []);
    if (notes.length < this.max) notes.push(note);
    else this.more += 1;
  }

  /** The metadata keys these notes add, or undefined when there are none. */
  toMetadata(): Record<string, unknown> | undefined {
    const notes = this.notes;
    if (notes === undefined || (notes.length === 0 && this.more === 0)) return undefined;
    return this.more > 0 ? { _repaired: notes, _repairedMore: this.more } : { _repaired: notes };
  }
}

/** A field's name in a note; `call` names the tool call it belongs to (built only for a note). */
function fieldName(field: string, call: string | undefined): string {
  return call === undefined ? field : `tool ${JSON.stringify(call)} ${field}`;
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return 'a string that is not a time';
  return `a ${value === null ? 'null' : typeof value}`;
}

/**
 * A point in time from a Date, epoch milliseconds or an ISO 8601 string; undefined/null give null
 * without a note; anything else, or a time outside years 1-9999, gives null and a note.
 */
export function readTime(
  value: unknown,
  field: string,
  notes: RepairNotes,
  call?: string,
): Date | null {
  if (value === undefined || value === null) return null;
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = Date.parse(value);
  else ms = NaN;
  if (Number.isFinite(ms) && ms >= MIN_YEAR_1 && ms <= MAX_TIME) return new Date(ms);
  notes.add(
    `${fieldName(field, call)}: ${describe(value)} is not a time in years 1-9999; replaced`,
  );
  return null;
}

/** Milliseconds as a non-negative int4; undefined/null give null; anything else null and a note. */
export function readDuration(
  value: unknown,
  field: string,
  notes: RepairNotes,
  call?: string,
): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
    return Math.min(2_147_483_647, Math.round(value));
  notes.add(
    `${fieldName(field, call)}: ${describe(value)} is not a duration in ms; measured instead`,
  );
  return null;
}

/** A boolean; undefined/null give undefined; anything else undefined and a note. */
export function readBoolean(
  value: unknown,
  field: string,
  notes: RepairNotes,
  call?: string,
): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  notes.add(
    `${fieldName(field, call)}: ${describe(value)} is not a boolean; derived from the error instead`,
  );
  return undefined;
}

/** A token count: a finite non-negative number; anything else is dropped with a note. */
export function readCount(value: unknown, field: string, notes: RepairNotes): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'bigint' && value >= 0n) return Number(value);
  notes.add(`${field}: ${describe(value)} is not a count; left out`);
  return undefined;
}
