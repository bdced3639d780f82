import { randomBytes } from 'node:crypto';

/**
 * Spool file names sort by creation time and carry their state, their owner and their target:
 * `<time>-<seq>-<rand>.<open|sealed|replay>.<owner>.<target>.jsonl`.
 *
 * - state: `open` files are being appended to by their owner; `sealed` files are complete and free
 *   for anyone to replay; `replay` files are being replayed by their owner.
 * - owner: a random token per spool handle (never a PID: PIDs are reused, every container's first
 *   process is 1). The owner's lock file `<owner>.owner` says whether it is still alive.
 * - target: a digest of the database the rows are meant for; other databases leave the file alone.
 *
 * Files written by earlier versions are named `<stem>.<state>.<pid>.jsonl` (no target): still
 * replayed, their owner judged by PID with care for reuse.
 */

export type FileState = 'open' | 'sealed' | 'replay';

export type OwnerRef = { kind: 'token'; token: string } | { kind: 'pid'; pid: number };

export interface SpoolName {
  stem: string;
  state: FileState;
  owner: OwnerRef;
  /** Digest of the target database; null for files of earlier versions. */
  target: string | null;
}

const NAME_RE =
  /^(\d+-\d+-[0-9a-f]+)\.(open|sealed|replay)\.([0-9a-f]{16})\.([0-9a-z]{8,64})\.jsonl$/;
const LEGACY_RE = /^(\d+-\d+-[0-9a-f]+)\.(open|sealed|replay)\.(\d{1,10})\.jsonl$/;
const OWNER_RE = /^([0-9a-f]{16})\.owner$/;

export function parseName(name: string): SpoolName | undefined {
  const m = NAME_RE.exec(name);
  if (m !== null)
    return {
      stem: m[1]!,
      state: m[2] as FileState,
      owner: { kind: 'token', token: m[3]! },
      target: m[4]!,
    };
  const legacy = LEGACY_RE.exec(name);
  if (legacy !== null)
    return {
      stem: legacy[1]!,
      state: legacy[2] as FileState,
      owner: { kind: 'pid', pid: Number(legacy[3]) },
      target: null,
    };
  return undefined;
}

export function formatName(stem: string, state: FileState, token: string, target: string): string {
  return `${stem}.${state}.${token}.${target}.jsonl`;
}

/** The token of an owner lock file name, or undefined. */
export function parseOwnerFile(name: string): string | undefined {
  return OWNER_RE.exec(name)?.[1];
}

export function ownerFileName(token: string): string {
  return `${token}.owner`;
}

export function newToken(): string {
  return randomBytes(8).toString('hex');
}

/** A name prefix that sorts by creation time; `seq` orders files made in the same millisecond. */
export function newStem(seq: number): string {
  return `${String(Date.now()).padStart(15, '0')}-${String(seq).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
}
