/** Errors the history layer reports on a handle's `error` event (never thrown to the orchestrator). */

export type HistoryErrorCode =
  | 'WRITE_FAILED'
  | 'REJECTED'
  | 'SPOOL_WRITE'
  | 'SPOOL_REPLAY'
  /** Spool lines that cannot be replayed were moved to rejected.jsonl. */
  | 'SPOOL_DAMAGED'
  /** Spool files meant for another database were left in place. */
  | 'SPOOL_FOREIGN'
  | 'DROPPED'
  /**
   * A run that outlasted the statement timeout several times on its own was put in the spool,
   * so the runs behind it go on; it is tried again at the next replay (never dropped).
   */
  | 'SET_ASIDE'
  | 'HANDLER'
  /** Part of a payload could not be read (stored as "[Unreadable: …]"); the run was stored. */
  | 'PAYLOAD'
  /**
   * Many runs started and none of them ended (10,000, then at each doubling): their ends are
   * probably not reported. Nothing is dropped; each run held costs memory until it ends.
   */
  | 'OPEN_RUNS';

export class HistoryError extends Error {
  readonly code: HistoryErrorCode;
  /** Rows concerned, when known. */
  readonly rows: number;
  constructor(code: HistoryErrorCode, message: string, rows = 0, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryError';
    this.code = code;
    this.rows = rows;
  }
}
