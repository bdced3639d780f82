import type { Committer } from './committer.js';
import { HistoryError } from './errors.js';
import { toEntry } from './queue.js';
import type { ClaimedFile, Spool } from './spool.js';

export interface ReplayOptions {
  spool: Spool;
  committer: Committer;
  batchSize: number;
  report: (error: Error) => void;
  /** Asked before each batch: true to stop and hand the files back. */
  shouldStop: () => boolean;
}

/**
 * Replays the spool oldest file first, in batches. Returns false when it stopped early (closing,
 * or the database went away again): the files not finished are handed back for a later replay.
 */
export async function replaySpool(o: ReplayOptions): Promise<boolean> {
  await o.spool.sealSpill();
  let files: ClaimedFile[];
  try {
    files = await o.spool.claim();
  } catch (error) {
    o.report(
      new HistoryError('SPOOL_REPLAY', `cannot read the spool in ${o.spool.dir}`, 0, {
        cause: error,
      }),
    );
    return true;
  }
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    let finished = false;
    try {
      finished = true;
      for await (const units of o.spool.read(file, o.batchSize)) {
        const entries = units.map((unit) => toEntry(unit));
        if (o.shouldStop() || !(await o.committer.commit(entries, true))) {
          finished = false;
          break;
        }
      }
    } catch (error) {
      finished = false;
      o.report(new HistoryError('SPOOL_REPLAY', `cannot replay ${file.path}`, 0, { cause: error }));
    }
    if (finished) await o.spool.done(file);
    else {
      for (const rest of files.slice(i)) await o.spool.giveBack(rest);
      return false;
    }
  }
  return true;
}
