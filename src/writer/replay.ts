import type { HistorySink } from '../schema/ports.js';
import type { Committer } from './committer.js';
import { HistoryError } from './errors.js';
import { toEntry } from './queue.js';
import type { ClaimedFile, Spool } from './spool.js';
import { serverKey, type SpoolTarget } from './spool-target.js';

export interface ReplayOptions {
  spool: Spool;
  sink: HistorySink;
  target: SpoolTarget;
  committer: Committer;
  batchSize: number;
  report: (error: Error) => void;
  /** Lines quarantined from a replayed file. */
  quarantined: (lines: number) => void;
  /** Asked before each batch: true to stop and hand the files back (so is a passed deadline). */
  shouldStop: () => boolean;
}

/**
 * 'done': nothing left to replay now. 'interrupted': stopped by closing or a deadline (the files
 * were handed back). 'failed': a fault that trying again at once would not cure (an unreadable
 * file, a full disk for the quarantine): handed back, for a later attempt.
 */
export type ReplayOutcome = 'done' | 'interrupted' | 'failed';

/**
 * Learns which database the sink writes to (once), so that only files meant for it are claimed.
 * A server that cannot say (no pg_control_system) leaves the config key as the only name.
 */
async function confirmTarget(o: ReplayOptions): Promise<boolean> {
  if (o.target.confirmed) return true;
  try {
    return await o.committer.retrying(async () => {
      o.target.confirm(serverKey(await o.sink.serverTarget()));
    }, 'asking the server which database it is');
  } catch {
    o.target.confirmConfigOnly();
    return true;
  }
}

/** Replays the spool oldest file first, in batches. */
export async function replaySpool(o: ReplayOptions): Promise<ReplayOutcome> {
  await o.spool.sealSpill();
  if (!(await confirmTarget(o))) return 'interrupted';
  let files: ClaimedFile[];
  try {
    const claimed = await o.spool.claim();
    files = claimed.files;
    if (claimed.foreign.length > 0)
      o.report(
        new HistoryError(
          'SPOOL_FOREIGN',
          `${claimed.foreign.length} spool file(s) in ${o.spool.dir} were written for another database; left in place (${claimed.foreign[0]})`,
        ),
      );
  } catch (error) {
    o.report(
      new HistoryError('SPOOL_REPLAY', `cannot read the spool in ${o.spool.dir}`, 0, {
        cause: error,
      }),
    );
    return 'failed';
  }
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    let outcome: ReplayOutcome = 'done';
    try {
      for await (const units of o.spool.read(file, o.batchSize)) {
        const entries = units.map((unit) => toEntry(unit));
        // A replay at close reads on while the database answers: the deadline ends it too.
        if (
          o.shouldStop() ||
          o.committer.pastDeadline() ||
          !(await o.committer.commit(entries, true))
        ) {
          outcome = 'interrupted';
          break;
        }
      }
      if (outcome === 'done') {
        const reasons = file.bad.map((r) => r.reason);
        const lines = await o.spool.done(file);
        if (lines > 0) {
          o.quarantined(lines);
          o.report(
            new HistoryError(
              'SPOOL_DAMAGED',
              `${lines} line(s) of spool file ${file.path} could not be replayed (${[...new Set(reasons)].join(', ')}); moved to ${o.spool.dir}/rejected.jsonl, the rest replayed`,
            ),
          );
        }
      }
    } catch (error) {
      outcome = 'failed';
      o.report(new HistoryError('SPOOL_REPLAY', `cannot replay ${file.path}`, 0, { cause: error }));
    }
    if (outcome !== 'done') {
      for (const rest of files.slice(i)) await o.spool.giveBack(rest);
      return outcome;
    }
  }
  return 'done';
}
