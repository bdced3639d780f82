import { createReadStream } from 'node:fs';
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { reviveUnit, serializeUnit, unitRows, type HistoryUnit } from './unit.js';

/**
 * The spool: append-only JSON-lines files holding runs the database has not taken yet.
 *
 * File names sort by creation time and carry their state and owner:
 * `<time>-<seq>-<rand>.<open|sealed|replay>.<pid>.jsonl`. `open` files are being appended to by
 * process `pid`; `sealed` files are complete and free for anyone to replay; `replay` files are
 * being replayed by `pid`. A file whose owner process is gone is treated as sealed, so a crash
 * never strands rows: the next handle on the same folder replays them.
 */

const NAME_RE = /^(\d+-\d+-[0-9a-f]+)\.(open|sealed|replay)\.(\d+)\.jsonl$/;
/** A sync-durability journal segment is rotated past this size. */
const JOURNAL_ROTATE_BYTES = 4 * 1024 * 1024;

export interface ClaimedFile {
  /** Current path (in `replay` state). */
  path: string;
  /** Name prefix shared by every state of the file. */
  stem: string;
}

/** A journal segment written in `durability: 'sync'` mode. */
export interface JournalSegment {
  path: string;
  fd: number;
  bytes: number;
  /** Runs written here whose database write has not committed yet. */
  pending: number;
  /** Some run here lost its in-memory copy (overflow): the file must be replayed, not deleted. */
  orphaned: boolean;
  retired: boolean;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Spool {
  readonly dir: string;
  private seq = 0;
  private spill: { handle: FileHandle; path: string; stem: string; rows: number } | undefined;
  private spillChain: Promise<void> = Promise.resolve();
  private journal: JournalSegment | undefined;
  private readonly retiredJournals = new Set<JournalSegment>();
  /** Rows this spool wrote for replay that have not been replayed (by anyone) as far as it knows. */
  private ownRows = new Map<string, number>();

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  private newStem(): string {
    this.seq += 1;
    return `${String(Date.now()).padStart(15, '0')}-${String(this.seq).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
  }

  private fileName(stem: string, state: 'open' | 'sealed' | 'replay'): string {
    return path.join(this.dir, `${stem}.${state}.${process.pid}.jsonl`);
  }

  /** Rows known to wait in this spool's own files. */
  pendingRows(): number {
    let n = 0;
    for (const rows of this.ownRows.values()) n += rows;
    return n;
  }

  /**
   * Appends runs to the spill file with one write and one fsync. Calls are serialized. On a failed
   * write (disk full) the file is abandoned so a torn line never prefixes the next record.
   */
  appendBatch(units: readonly HistoryUnit[]): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.spill === undefined) {
        await mkdir(this.dir, { recursive: true });
        const stem = this.newStem();
        const file = this.fileName(stem, 'open');
        this.spill = { handle: await open(file, 'a'), path: file, stem, rows: 0 };
      }
      const spill = this.spill;
      let text = '';
      let rows = 0;
      for (const unit of units) {
        text += serializeUnit(unit);
        rows += unitRows(unit);
      }
      try {
        await spill.handle.write(text);
        await spill.handle.sync();
      } catch (error) {
        await this.sealSpillNow();
        throw error;
      }
      spill.rows += rows;
      this.ownRows.set(spill.stem, spill.rows);
    };
    const next = this.spillChain.then(run);
    this.spillChain = next.catch(() => undefined);
    return next;
  }

  private async sealSpillNow(): Promise<void> {
    const spill = this.spill;
    if (spill === undefined) return;
    this.spill = undefined;
    await spill.handle.close().catch(() => undefined);
    await rename(spill.path, this.fileName(spill.stem, 'sealed')).catch(() => undefined);
  }

  /** Closes the current spill file and marks it free for replay. */
  sealSpill(): Promise<void> {
    const next = this.spillChain.then(() => this.sealSpillNow());
    this.spillChain = next.catch(() => undefined);
    return next;
  }

  /** Appends one run to the journal and fsyncs before returning (durability: 'sync'). */
  appendSync(unit: HistoryUnit): JournalSegment {
    let seg = this.journal;
    if (seg !== undefined && seg.bytes > JOURNAL_ROTATE_BYTES) {
      this.retireJournal(seg);
      seg = undefined;
    }
    if (seg === undefined) {
      mkdirSync(this.dir, { recursive: true });
      const file = this.fileName(this.newStem(), 'open');
      seg = {
        path: file,
        fd: openSync(file, 'a'),
        bytes: 0,
        pending: 0,
        orphaned: false,
        retired: false,
      };
      this.journal = seg;
    }
    const line = serializeUnit(unit);
    writeSync(seg.fd, line);
    fsyncSync(seg.fd);
    seg.bytes += line.length;
    seg.pending += 1;
    return seg;
  }

  private retireJournal(seg: JournalSegment): void {
    seg.retired = true;
    if (this.journal === seg) this.journal = undefined;
    if (seg.pending === 0) this.finishJournal(seg);
    else this.retiredJournals.add(seg);
  }

  /** A segment with nothing pending: deleted when every run reached the database, else sealed. */
  private finishJournal(seg: JournalSegment): void {
    this.retiredJournals.delete(seg);
    try {
      closeSync(seg.fd);
    } catch {
      // already closed
    }
    const match = NAME_RE.exec(path.basename(seg.path));
    try {
      if (seg.orphaned && match !== null) renameSync(seg.path, this.fileName(match[1]!, 'sealed'));
      else unlinkSync(seg.path);
    } catch {
      // the folder was removed under us; nothing left to keep
    }
  }

  /** A journaled run reached the database. When a segment empties, it is compacted away. */
  committed(seg: JournalSegment): void {
    seg.pending -= 1;
    if (seg.pending > 0) return;
    if (seg.retired) {
      this.finishJournal(seg);
    } else if (!seg.orphaned) {
      ftruncateSync(seg.fd, 0);
      seg.bytes = 0;
    } else {
      this.retireJournal(seg);
    }
  }

  /** A journaled run's in-memory copy was let go (overflow): its file must be replayed. */
  orphaned(seg: JournalSegment): void {
    seg.orphaned = true;
    this.committed(seg);
  }

  /** Seals every journal segment (at close: whatever is pending there is replayed later). */
  sealJournals(): void {
    const all = [...this.retiredJournals];
    if (this.journal !== undefined) all.push(this.journal);
    for (const seg of all) {
      if (seg.pending > 0) seg.orphaned = true;
      seg.pending = 0;
      seg.retired = true;
      this.finishJournal(seg);
    }
    this.journal = undefined;
  }

  /**
   * Takes every replayable file (sealed, or left by a process that is gone), oldest first, by
   * renaming it into `replay` state; a file another replayer renamed first is skipped.
   */
  async claim(): Promise<ClaimedFile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    names.sort();
    const claimed: ClaimedFile[] = [];
    for (const name of names) {
      const match = NAME_RE.exec(name);
      if (match === null) continue;
      const [, stem, state, pidText] = match as unknown as [string, string, string, string];
      if (state !== 'sealed' && isAlive(Number(pidText))) continue;
      const target = this.fileName(stem, 'replay');
      try {
        await rename(path.join(this.dir, name), target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      claimed.push({ path: target, stem });
    }
    return claimed;
  }

  /** Reads a claimed file in groups of about `batchRows` rows. Torn lines are skipped. */
  async *read(file: ClaimedFile, batchRows: number): AsyncGenerator<HistoryUnit[]> {
    const lines = createInterface({
      input: createReadStream(file.path, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    let batch: HistoryUnit[] = [];
    let rows = 0;
    for await (const line of lines) {
      if (line.length === 0) continue;
      const unit = reviveUnit(line);
      if (unit === undefined) continue;
      batch.push(unit);
      rows += unitRows(unit);
      if (rows >= batchRows) {
        yield batch;
        batch = [];
        rows = 0;
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** A claimed file was fully replayed: delete it. */
  async done(file: ClaimedFile): Promise<void> {
    this.ownRows.delete(file.stem);
    await unlink(file.path).catch(() => undefined);
  }

  /** A claimed file could not be finished: hand it back as sealed for a later replay. */
  async giveBack(file: ClaimedFile): Promise<void> {
    await rename(file.path, this.fileName(file.stem, 'sealed')).catch(() => undefined);
  }

  /** Appends runs the database rejected for good to `rejected.jsonl` (kept, never replayed). */
  async reject(units: readonly HistoryUnit[]): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, 'rejected.jsonl');
    const handle = await open(file, 'a');
    try {
      await handle.write(units.map(serializeUnit).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return file;
  }

  /** True when a replay now would find something: this spool's own spill, or a replayable file. */
  async hasReplayable(): Promise<boolean> {
    if ((this.spill?.rows ?? 0) > 0) return true;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return false;
    }
    return names.some((name) => {
      const match = NAME_RE.exec(name);
      return match !== null && (match[2] === 'sealed' || !isAlive(Number(match[3])));
    });
  }

  /** Replayable files in the folder now, with their row counts (read at close for the report). */
  async inventory(): Promise<{ files: string[]; rows: number }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return { files: [], rows: 0 };
    }
    const files: string[] = [];
    let rows = 0;
    for (const name of names.sort()) {
      const match = NAME_RE.exec(name);
      if (match === null) continue;
      // Open files of live processes (this one included: other handles) are not ours to count.
      if (match[2] !== 'sealed' && isAlive(Number(match[3]))) continue;
      const file = path.join(this.dir, name);
      files.push(file);
      for await (const batch of this.read({ path: file, stem: match[1]! }, 1 << 30))
        for (const unit of batch) rows += unitRows(unit);
    }
    return { files, rows };
  }
}
