import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { open, stat } from 'node:fs/promises';

/**
 * The few file operations the spool appends with, behind a small seam: tests put a full disk
 * behind it (short writes, ENOSPC) without a database mock; production uses node:fs.
 * Every file is created 0600: spooled rows are as private as the database they are meant for.
 */
export interface AppendFile {
  /** Writes from `buffer` at `offset`, `length` bytes; resolves the bytes actually written. */
  write(buffer: Buffer, offset: number, length: number): Promise<number>;
  /** Reads into `buffer` from file offset `position`; resolves the bytes read. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  /**
   * True while this open file is still the one found at `path`: false once it was removed (its
   * folder deleted) or replaced. Its bytes then live only in this open handle.
   */
  isAt(path: string): Promise<boolean>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface SyncAppendFile {
  write(buffer: Buffer, offset: number, length: number): number;
  read(buffer: Buffer, length: number, position: number): number;
  isAt(path: string): boolean;
  sync(): void;
  truncate(length: number): void;
  close(): void;
}

export interface SpoolIo {
  openAppend(path: string): Promise<AppendFile>;
  openAppendSync(path: string): SyncAppendFile;
}

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

function sameFile(
  open: { nlink: number; ino: number; dev: number },
  at: { ino: number; dev: number } | undefined,
): boolean {
  return open.nlink > 0 && at !== undefined && at.ino === open.ino && at.dev === open.dev;
}

// Files are opened read + append ('a+'): bytes of a file removed from under its handle can be
// read back from the handle and written again elsewhere.
export const nodeSpoolIo: SpoolIo = {
  async openAppend(path) {
    const handle = await open(path, 'a+', FILE_MODE);
    return {
      write: async (buffer, offset, length) =>
        (await handle.write(buffer, offset, length)).bytesWritten,
      read: async (buffer, length, position) =>
        (await handle.read(buffer, 0, length, position)).bytesRead,
      isAt: async (p) => sameFile(await handle.stat(), await stat(p).catch(() => undefined)),
      sync: () => handle.sync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  },
  openAppendSync(path) {
    const fd = openSync(path, 'a+', FILE_MODE);
    return {
      write: (buffer, offset, length) => writeSync(fd, buffer, offset, length),
      read: (buffer, length, position) => readSync(fd, buffer, 0, length, position),
      isAt: (p) => sameFile(fstatSync(fd), statSync(p, { throwIfNoEntry: false })),
      sync: () => fsyncSync(fd),
      truncate: (length) => ftruncateSync(fd, length),
      close: () => closeSync(fd),
    };
  },
};

/** A write that stored fewer bytes than asked and could not store the rest. */
export class ShortWriteError extends Error {
  readonly code = 'ESHORTWRITE';
  constructor(
    readonly written: number,
    readonly wanted: number,
    options?: { cause?: unknown },
  ) {
    super(`short write: ${written} of ${wanted} bytes stored (disk full?)`, options);
    this.name = 'ShortWriteError';
  }
}

/**
 * A spool file was removed from under its handle (its folder deleted) and could not be written
 * again elsewhere: every row it held is lost, and counted as such.
 */
export class SpoolLostError extends Error {
  readonly code = 'ESPOOLLOST';
  constructor(
    readonly rows: number,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(
      `spool file ${file} was removed and could not be written again: ${rows} rows lost`,
      options,
    );
    this.name = 'SpoolLostError';
  }
}

/** A failed write: its own error when nothing was stored yet, else a ShortWriteError. */
function writeFailed(done: number, wanted: number, error: unknown): never {
  if (done === 0) throw error;
  throw new ShortWriteError(done, wanted, { cause: error });
}

/** Bytes stored so far after a write that stored `n`; nothing stored means the disk is full. */
function advance(done: number, n: number, wanted: number): number {
  if (!(n > 0)) throw new ShortWriteError(done, wanted);
  return done + n;
}

/**
 * Writes all of `buffer`: a short write (bytesWritten < length) is continued, and a write that
 * stores nothing or fails after a partial one rejects with ShortWriteError (the caller truncates
 * the torn bytes away). A first write that fails outright rejects with its own error.
 */
export async function writeFully(file: AppendFile, buffer: Buffer): Promise<void> {
  for (let done = 0; done < buffer.length;) {
    let n = 0;
    try {
      n = await file.write(buffer, done, buffer.length - done);
    } catch (error) {
      writeFailed(done, buffer.length, error);
    }
    done = advance(done, n, buffer.length);
  }
}

export function writeFullySync(file: SyncAppendFile, buffer: Buffer): void {
  for (let done = 0; done < buffer.length;) {
    let n = 0;
    try {
      n = file.write(buffer, done, buffer.length - done);
    } catch (error) {
      writeFailed(done, buffer.length, error);
    }
    done = advance(done, n, buffer.length);
  }
}

/** Bytes copied per step when a file's content is moved to a new file. */
const COPY_BYTES = 1024 * 1024;

/** Copies the first `bytes` bytes of `from` to the end of `to` (not synced). */
export async function copyFile(from: AppendFile, to: AppendFile, bytes: number): Promise<void> {
  const buf = Buffer.alloc(Math.min(COPY_BYTES, Math.max(1, bytes)));
  for (let at = 0; at < bytes;) {
    const n = await from.read(buf, Math.min(buf.length, bytes - at), at);
    if (n <= 0) throw new Error(`spool file ended at ${at} of ${bytes} bytes`);
    await writeFully(to, buf.subarray(0, n));
    at += n;
  }
}

export function copyFileSync(from: SyncAppendFile, to: SyncAppendFile, bytes: number): void {
  const buf = Buffer.alloc(Math.min(COPY_BYTES, Math.max(1, bytes)));
  for (let at = 0; at < bytes;) {
    const n = from.read(buf, Math.min(buf.length, bytes - at), at);
    if (n <= 0) throw new Error(`spool file ended at ${at} of ${bytes} bytes`);
    writeFullySync(to, buf.subarray(0, n));
    at += n;
  }
}
