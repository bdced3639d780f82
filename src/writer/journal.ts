import { mkdirSync, renameSync, unlinkSync } from 'node:fs';
import {
  DIR_MODE,
  copyFileSync,
  writeFullySync,
  type SpoolIo,
  type SyncAppendFile,
} from './spool-io.js';
import { spoolPieces } from './spool-lines.js';
import type { HistoryUnit } from './unit.js';

/** A sync-durability journal segment is rotated past this size. */
const JOURNAL_ROTATE_BYTES = 4 * 1024 * 1024;

/** A journal segment written in `durability: 'sync'` mode. */
export interface JournalSegment {
  path: string;
  file: SyncAppendFile;
  bytes: number;
  /** Runs written here whose database write has not committed yet. */
  pending: number;
  /** Some run here lost its in-memory copy (overflow): the file must be replayed, not deleted. */
  orphaned: boolean;
  retired: boolean;
}

export interface JournalFiles {
  dir: string;
  io: SpoolIo;
  /** A new file's path in `open` state (the owner's lock is in place when this returns). */
  newOpenPath(): string;
  /** The path `open` becomes when sealed (free for replay). */
  sealedPath(openPath: string): string;
}

/**
 * The `durability: 'sync'` journal: each run is appended and fsynced before the handler returns,
 * then compacted away once its batch commits. Segments whose runs all committed are deleted; a
 * segment holding a run that left memory (overflow, close) is sealed for replay instead.
 */
export class Journal {
  private current: JournalSegment | undefined;
  private readonly retired = new Set<JournalSegment>();

  constructor(private readonly f: JournalFiles) {}

  /** Appends one run and fsyncs. Throws on failure (a torn tail is truncated away first). */
  append(unit: HistoryUnit): JournalSegment {
    let seg = this.current;
    if (seg !== undefined && seg.bytes > JOURNAL_ROTATE_BYTES) {
      this.retire(seg);
      seg = undefined;
    }
    if (seg === undefined) {
      mkdirSync(this.f.dir, { recursive: true, mode: DIR_MODE });
      const file = this.f.newOpenPath();
      seg = {
        path: file,
        file: this.f.io.openAppendSync(file),
        bytes: 0,
        pending: 0,
        orphaned: false,
        retired: false,
      };
      this.current = seg;
    }
    let written = 0;
    try {
      for (const piece of spoolPieces([unit])) {
        writeFullySync(seg.file, piece);
        written += piece.length;
      }
      seg.file.sync();
    } catch (error) {
      // Cut the torn bytes so the next run does not follow half a line; if even that fails,
      // the segment is retired and its damaged tail is quarantined at replay.
      try {
        seg.file.truncate(seg.bytes);
      } catch {
        this.retire(seg);
      }
      throw error;
    }
    seg.bytes += written;
    try {
      this.keepReachable(seg);
    } catch (error) {
      // This run is on no disk the folder's readers see: the caller keeps it in memory only.
      this.retire(seg);
      throw error;
    }
    seg.pending += 1;
    return seg;
  }

  /**
   * A segment removed from under its handle (its folder deleted) holds its runs only in the open
   * handle: they are copied into a new file (folder and lock made again) and fsynced, and the
   * segment goes on there. Throws if that fails (the caller reports the run as held in memory).
   */
  private keepReachable(seg: JournalSegment): void {
    let there: boolean;
    try {
      there = seg.file.isAt(seg.path);
    } catch {
      there = true; // cannot tell: do not copy on a guess
    }
    if (there) return;
    mkdirSync(this.f.dir, { recursive: true, mode: DIR_MODE });
    const file = this.f.newOpenPath();
    const fresh = this.f.io.openAppendSync(file);
    try {
      copyFileSync(seg.file, fresh, seg.bytes);
      fresh.sync();
    } catch (error) {
      try {
        fresh.close();
        unlinkSync(file);
      } catch {
        // nothing more to undo
      }
      throw error;
    }
    try {
      seg.file.close();
    } catch {
      // already closed
    }
    seg.file = fresh;
    seg.path = file;
  }

  private retire(seg: JournalSegment): void {
    seg.retired = true;
    if (this.current === seg) this.current = undefined;
    if (seg.pending === 0) this.finish(seg);
    else this.retired.add(seg);
  }

  /** A segment with nothing pending: deleted when every run reached the database, else sealed. */
  private finish(seg: JournalSegment): void {
    this.retired.delete(seg);
    try {
      if (seg.orphaned && seg.bytes > 0) this.keepReachable(seg);
    } catch {
      // cannot be written again: renamed below if it is still there
    }
    try {
      seg.file.close();
    } catch {
      // already closed
    }
    try {
      if (seg.orphaned) renameSync(seg.path, this.f.sealedPath(seg.path));
      else unlinkSync(seg.path);
    } catch {
      // the folder was removed under us and could not be made again
    }
  }

  /** A journaled run reached the database. When a segment empties, it is compacted away. */
  committed(seg: JournalSegment): void {
    seg.pending -= 1;
    if (seg.pending > 0) return;
    if (seg.retired) {
      this.finish(seg);
    } else if (!seg.orphaned) {
      seg.file.truncate(0);
      seg.bytes = 0;
    } else {
      this.retire(seg);
    }
  }

  /** A journaled run's in-memory copy was let go (overflow): its file must be replayed. */
  orphaned(seg: JournalSegment): void {
    seg.orphaned = true;
    this.committed(seg);
  }

  /** Seals every segment (at close: whatever is pending there is replayed later). */
  sealAll(): void {
    const all = [...this.retired];
    if (this.current !== undefined) all.push(this.current);
    for (const seg of all) {
      if (seg.pending > 0) seg.orphaned = true;
      seg.pending = 0;
      seg.retired = true;
      this.finish(seg);
    }
    this.current = undefined;
  }
}
