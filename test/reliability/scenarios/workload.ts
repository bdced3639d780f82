import { performance } from 'node:perf_hooks';
import { Orchestrator } from '../../../src/index.js';
import { sleep } from './common.js';

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** The reference orchestrator with a few tools, one of which fails on "fail". */
export function referenceOrchestrator(): Orchestrator {
  const orch = new Orchestrator();
  orch.registerTool('calculator_tool', (p) => ({ sum: p.numbers.reduce((a, b) => a + b, 0) }));
  orch.registerTool('prime_checker_tool', (p) => {
    const n = p.numbers[0] ?? 0;
    if (p.text.includes('fail')) throw new Error(`cannot check ${n}`);
    return { prime: isPrime(n) };
  });
  orch.registerTool('web_search_tool', async (p) => ({ hits: p.text.length }));
  return orch;
}

export function goal(i: number): string {
  switch (i % 4) {
    case 0:
      return `calculator ${i} plus ${i + 1}`;
    case 1:
      return `prime checker ${i} then web search ${i}`;
    case 2:
      return `prime checker ${i} fail`;
    default:
      return `tell me something about ${i}`; // no tool
  }
}

export interface DriveResult {
  runIds: string[];
  toolEnds: number;
  /** process() latencies in ms with the time (ms since start) each call began. */
  latencies: Array<{ at: number; ms: number }>;
}

/**
 * `workers` loops call process() until the deadline, pausing `pauseMs` between calls (a real
 * orchestrator waits on models and tools; this keeps the load steady instead of CPU-bound).
 */
export async function drive(
  orch: Orchestrator,
  options: { workers: number; durationMs: number; pauseMs?: number },
): Promise<DriveResult> {
  const out: DriveResult = { runIds: [], toolEnds: 0, latencies: [] };
  const onToolEnd = (): void => {
    out.toolEnds++;
  };
  orch.on('tool:end', onToolEnd);
  const start = performance.now();
  const deadline = start + options.durationMs;
  let counter = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const i = counter++;
      const t0 = performance.now();
      const result = await orch.process(goal(i));
      out.latencies.push({ at: t0 - start, ms: performance.now() - t0 });
      out.runIds.push(result.runId);
      await sleep(options.pauseMs ?? 1);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  orch.off('tool:end', onToolEnd);
  return out;
}
