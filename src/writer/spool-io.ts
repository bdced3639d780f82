import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The few file operations the spool appends with, behind a small seam: tests put a full disk
 * behind it (short writes, ENOSPC) without a database mock; production uses node:fs.
 * Every file is created 0600: spooled rows are as private as the database they are meant for.
 */
export interface AppendFile {
  /** Writes from `buffer` at `offset`, `length` bytes; resolves the bytes actually written. */
  write(buffer: Buffer, offset: number, length: number): Promise<number>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface SyncAppendFile {
  write(buffer: Buffer, offset: number, length: number): number;
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

export const nodeSpoolIo: SpoolIo = {
  async openAppend(path) {
    const handle = await open(path, 'a', FILE_MODE);
    return {
      write: async (buffer, offset, length) =>
        (await handle.write(buffer, offset, length)).bytesWritten,
      sync: () => handle.sync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  },
  openAppendSync(path) {
    const fd = openSync(path, 'a', FILE_MODE);
    return {
      write: (buffer, offset, length) => writeSync(fd, buffer, offset, length),
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
