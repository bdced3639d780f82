import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

/** Progress of long work: a bar on a terminal, a plain line every tenth of the way elsewhere (CI). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function startProgress(io: CliIo, label: string, total: number): Progress {
  if (io.tty !== undefined) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.tty,
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  }
  const step = Math.max(1, Math.ceil(total / 10));
  let nextReport = Math.min(step, total);
  const started = Date.now();
  return {
    update(done) {
      if (done < nextReport) return;
      // The last line always says done/total, even when total is not a multiple of step.
      nextReport = done >= total ? Infinity : Math.min(total, (Math.floor(done / step) + 1) * step);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.err(
        `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%) after ${seconds} s`,
      );
    },
    stop() {},
  };
}
