import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Journal, type JournalSegment } from './journal.js';
import {
  DIR_MODE,
  SpoolLostError,
  copyFile,
  nodeSpoolIo,
  writeFully,
  type AppendFile,
  type SpoolIo,
} from './spool-io.js';
import {
  formatName,
  newStem,
  ownerFileName,
  parseName,
  parseOwnerFile,
  type FileState,
  type SpoolName,
} from './spool-names.js';
import { OwnerJudge, OwnerLock } from './spool-owner.js';
import { copyRegions, countRows, readUnits, regionLines, type BadRegion } from './spool-reader.js';
import { SpoolTarget } from './spool-target.js';
import { spoolPieces } from './spool-lines.js';
import { unitRows, type HistoryUnit } from './unit.js';

export type { JournalSegment } from './journal.js';

/**
 * The spool: append-only JSON-lines files holding runs the database has not taken yet, in a
 * folder (0700, files 0600) that any later handle on the same database replays. File names,
 * ownership and targets: see spool-names.ts; liveness: spool-owner.ts; reading: spool-reader.ts.
 */

export interface ClaimedFile {
  /** Current path (in `replay` state). */
  path: string;
  /** Name prefix shared by every state of the file. */
  stem: string;
  /** Lines found bad while reading, quarantined when the file is done. */
  bad: BadRegion[];
}

export interface SpoolInventory {
  /** Replayable files of this spool's database. */
  files: string[];
  rows: number;
  /** False when counting stopped at the deadline: `rows` is then a lower bound. */
  exact: boolean;
  /** Files meant for another database, left in place. */
  foreign: string[];
}

const REJECTED = 'rejected.jsonl';

interface Spill {
  file: AppendFile;
  path: string;
  stem: string;
  bytes: number;
}

export class Spool {
  readonly dir: string;
  private readonly io: SpoolIo;
  private readonly lock: OwnerLock;
  private readonly journal: Journal;
  private target: SpoolTarget | undefined;
  private seq = 0;
  private spill: Spill | undefined;
  private spillChain: Promise<void> = Promise.resolve();
  /** Rows this spool wrote for replay that have not been replayed (by anyone) as far as it knows. */
  private readonly ownRows = new Map<string, number>();
  private readonly reportedForeign = new Set<string>();
  /**
   * Told of rows lost from a spool file removed from under this handle that could not be
   * written again (the hand-off counts them and reports them).
   */
  onLost: (error: SpoolLostError) => void = () => undefined;

  /** `io` is a seam for tests (a full disk); production leaves it out. */
  constructor(dir: string, io: SpoolIo = nodeSpoolIo) {
    this.dir = path.resolve(dir);
    this.io = io;
    this.lock = new OwnerLock(this.dir);
    this.journal = new Journal({
      dir: this.dir,
      io,
      newOpenPath: () => this.newPath(newStem(++this.seq), 'open'),
      sealedPath: (p) => this.renamedPath(p, 'sealed'),
    });
  }

  /** The database this spool's rows are meant for (the writer sets it from its sink). */
  setTarget(target: SpoolTarget): void {
    this.target = target;
  }

  private get writeKey(): string {
    return this.target?.writeKey ?? 'unknown0';
  }

  private ensureDirSync(): void {
    mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
    this.lock.ensure();
  }

  private newPath(stem: string, state: FileState): string {
    this.ensureDirSync();
    return path.join(this.dir, formatName(stem, state, this.lock.token, this.writeKey));
  }

  /** The same file (stem and target kept) in another state, owned by this spool. */
  private renamedPath(current: string, state: FileState): string {
    this.lock.ensure();
    const name = parseName(path.basename(current));
    const stem = name?.stem ?? newStem(++this.seq);
    const target = name?.target ?? this.writeKey;
    return path.join(this.dir, formatName(stem, state, this.lock.token, target));
  }

  /** Rows known to wait in this spool's own files. */
  pendingRows(): number {
    let n = 0;
    for (const rows of this.ownRows.values()) n += rows;
    return n;
  }

  /**
   * Appends runs to the spill file with one write and one fsync. Calls are serialized. A failed
   * or short write (disk full) is cut back off the file and the file sealed, so a torn line never
   * prefixes the next record; the error goes to the caller, which counts the rows as lost. A spill
   * file removed from under the handle (its folder deleted, or taken by another handle) is written
   * again from the open handle into a new file; if even that fails, `onLost` is told every row it
   * held, so none is lost uncounted.
   */
  appendBatch(units: readonly HistoryUnit[]): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.spill === undefined) {
        await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
        const stem = newStem(++this.seq);
        const file = this.newPath(stem, 'open');
        this.spill = { file: await this.io.openAppend(file), path: file, stem, bytes: 0 };
      }
      const spill = this.spill;
      let rows = 0;
      for (const unit of units) rows += unitRows(unit);
      let written = 0;
      try {
        for (const piece of spoolPieces(units)) {
          await writeFully(spill.file, piece);
          written += piece.length;
        }
        await spill.file.sync();
      } catch (error) {
        await spill.file.truncate(spill.bytes).catch(() => undefined);
        await this.sealSpillNow();
        throw error;
      }
      spill.bytes += written;
      this.ownRows.set(spill.stem, (this.ownRows.get(spill.stem) ?? 0) + rows);
      await this.keepReachable(spill);
    };
    const next = this.spillChain.then(run);
    this.spillChain = next.catch(() => undefined);
    return next;
  }

  /**
   * Makes sure the spill file is still where the folder's readers look: a file removed from under
   * its handle (`rm -rf` of the folder) keeps its bytes only as long as the handle is open. Such
   * a file is copied from the handle into a new file (folder and lock made again) and fsynced.
   * When that fails, its rows are given to `onLost` (counted there) and the spill let go.
   */
  private async keepReachable(spill: Spill): Promise<void> {
    // A handle that cannot even say where it is: do not copy on a guess.
    if (await spill.file.isAt(spill.path).catch(() => true)) return;
    const rows = this.ownRows.get(spill.stem) ?? 0;
    try {
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      const stem = newStem(++this.seq);
      const file = this.newPath(stem, 'open');
      const fresh = await this.io.openAppend(file);
      try {
        await copyFile(spill.file, fresh, spill.bytes);
        await fresh.sync();
      } catch (error) {
        await fresh.close().catch(() => undefined);
        await unlink(file).catch(() => undefined);
        throw error;
      }
      await spill.file.close().catch(() => undefined);
      this.ownRows.delete(spill.stem);
      this.ownRows.set(stem, rows);
      this.spill = { file: fresh, path: file, stem, bytes: spill.bytes };
    } catch (error) {
      this.spill = undefined;
      this.ownRows.delete(spill.stem);
      await spill.file.close().catch(() => undefined);
      this.onLost(new SpoolLostError(rows, spill.path, { cause: error }));
    }
  }

  private async sealSpillNow(): Promise<void> {
    if (this.spill !== undefined && this.spill.bytes > 0) await this.keepReachable(this.spill);
    const spill = this.spill;
    if (spill === undefined) return;
    this.spill = undefined;
    await spill.file.close().catch(() => undefined);
    if (spill.bytes === 0) {
      await unlink(spill.path).catch(() => undefined);
      return;
    }
    await rename(spill.path, this.renamedPath(spill.path, 'sealed')).catch(() => undefined);
  }

  /** Closes the current spill file and marks it free for replay. */
  sealSpill(): Promise<void> {
    const next = this.spillChain.then(() => this.sealSpillNow());
    this.spillChain = next.catch(() => undefined);
    return next;
  }

  /** Appends one run to the journal and fsyncs before returning (durability: 'sync'). */
  appendSync(unit: HistoryUnit): JournalSegment {
    return this.journal.append(unit);
  }

  /** A journaled run reached the database. */
  committed(seg: JournalSegment): void {
    this.journal.committed(seg);
  }

  /** A journaled run's in-memory copy was let go (overflow): its file must be replayed. */
  orphaned(seg: JournalSegment): void {
    this.journal.orphaned(seg);
  }

  /** Seals every journal segment (at close: whatever is pending there is replayed later). */
  sealJournals(): void {
    this.journal.sealAll();
  }

  /** The folder's spool files: mine (replayable for this database) and foreign ones. */
  private async scan(): Promise<{
    names: Array<{ name: string; parsed: SpoolName; free: boolean }>;
    judge: OwnerJudge;
    owners: string[];
  }> {
    const judge = new OwnerJudge(this.dir);
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { names: [], judge, owners: [] };
      throw error;
    }
    entries.sort();
    const names: Array<{ name: string; parsed: SpoolName; free: boolean }> = [];
    const owners: string[] = [];
    for (const name of entries) {
      const token = parseOwnerFile(name);
      if (token !== undefined) owners.push(token);
      const parsed = parseName(name);
      if (parsed === undefined) continue;
      const free =
        parsed.state === 'sealed' || !(await judge.alive(parsed.owner, path.join(this.dir, name)));
      names.push({ name, parsed, free });
    }
    return { names, judge, owners };
  }

  /**
   * Takes every replayable file of this spool's database (sealed, or left by an owner that is
   * gone), oldest first, by renaming it into `replay` state; a file another replayer renamed
   * first is skipped. Files meant for another database stay; `foreign` lists those not reported
   * before.
   */
  async claim(): Promise<{ files: ClaimedFile[]; foreign: string[] }> {
    const { names, judge, owners } = await this.scan();
    const files: ClaimedFile[] = [];
    const foreign: string[] = [];
    for (const { name, parsed, free } of names) {
      if (!free) continue;
      if (this.target !== undefined && !this.target.accepts(parsed.target)) {
        if (!this.reportedForeign.has(name)) {
          this.reportedForeign.add(name);
          foreign.push(path.join(this.dir, name));
        }
        continue;
      }
      const from = path.join(this.dir, name);
      const to = this.renamedPath(from, 'replay');
      try {
        await rename(from, to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      files.push({ path: to, stem: parsed.stem, bad: [] });
    }
    // Owners judged dead leave lock files behind: their files are taken or free now.
    const dead = new Set(await judge.deadTokens());
    for (const token of owners)
      if (dead.has(token) || !(await judge.alive({ kind: 'token', token }, '')))
        await unlink(path.join(this.dir, ownerFileName(token))).catch(() => undefined);
    return { files, foreign };
  }

  /** Reads a claimed file in groups of about `batchRows` rows; bad lines are noted on `file`. */
  read(file: ClaimedFile, batchRows: number): AsyncGenerator<HistoryUnit[]> {
    file.bad = [];
    return readUnits(file.path, batchRows, file.bad);
  }

  /**
   * A claimed file was fully replayed: its bad lines go to `rejected.jsonl` (fsynced), then the
   * file is deleted. Returns the lines quarantined. If the quarantine cannot be written, the file
   * is kept (handed back) and the error thrown: nothing is deleted that is not kept elsewhere.
   */
  async done(file: ClaimedFile): Promise<number> {
    const lines = regionLines(file.bad);
    if (file.bad.length > 0) {
      const handle = await this.openRejected();
      try {
        await copyRegions(file.path, path.basename(file.path), file.bad, (text) =>
          writeFully(handle, Buffer.from(text)),
        );
        await handle.sync();
      } finally {
        await handle.close().catch(() => undefined);
      }
    }
    this.ownRows.delete(file.stem);
    await unlink(file.path).catch(() => undefined);
    return lines;
  }

  /** A claimed file could not be finished: hand it back as sealed for a later replay. */
  async giveBack(file: ClaimedFile): Promise<void> {
    await rename(file.path, this.renamedPath(file.path, 'sealed')).catch(() => undefined);
  }

  /**
   * Opens `rejected.jsonl` for appending, after a newline if it ends in a torn line (an append cut
   * short by a full disk or a crash): the next record would otherwise be glued to the torn one and
   * be unreadable too.
   */
  private async openRejected(): Promise<AppendFile> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const file = path.join(this.dir, REJECTED);
    const handle = await this.io.openAppend(file);
    try {
      const size = (await stat(file)).size;
      const last = Buffer.alloc(1);
      if (size > 0 && (await handle.read(last, 1, size - 1)) === 1 && last[0] !== 0x0a)
        await writeFully(handle, Buffer.from('\n'));
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return handle;
  }

  /** Appends runs the database rejected for good to `rejected.jsonl` (kept, never replayed). */
  async reject(units: readonly HistoryUnit[]): Promise<string> {
    const handle = await this.openRejected();
    try {
      for (const piece of spoolPieces(units)) await writeFully(handle, piece);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return path.join(this.dir, REJECTED);
  }

  /** True when a replay now would find something: this spool's own spill, or a replayable file. */
  async hasReplayable(): Promise<boolean> {
    if ((this.spill?.bytes ?? 0) > 0) return true;
    const { names } = await this.scan().catch(() => ({ names: [] }));
    return names.some((n) => n.free && (this.target?.mayAccept(n.parsed.target) ?? true));
  }

  /**
   * Replayable files in the folder now, with their row counts (for the close report). Rows are
   * counted by scanning bytes, never by loading a file; counting stops when `stop()` says so.
   */
  async inventory(stop: () => boolean = () => false): Promise<SpoolInventory> {
    const { names } = await this.scan().catch(() => ({ names: [] }));
    const out: SpoolInventory = { files: [], rows: 0, exact: true, foreign: [] };
    for (const { name, parsed, free } of names) {
      // Open files of live owners (this process's other handles included) are not ours to count.
      if (!free) continue;
      const file = path.join(this.dir, name);
      if (this.target !== undefined && !this.target.mayAccept(parsed.target)) {
        out.foreign.push(file);
        continue;
      }
      out.files.push(file);
      const known = this.ownRows.get(parsed.stem);
      if (known !== undefined && parsed.state === 'sealed') {
        out.rows += known;
        continue;
      }
      const rows = out.exact ? await countRows(file, stop).catch(() => 0) : undefined;
      if (rows === undefined) out.exact = false;
      else out.rows += rows;
    }
    return out;
  }

  /** Lets go of the folder: this spool's lock goes, so its files are anyone's to replay. */
  release(): Promise<void> {
    return this.lock.release();
  }
}
