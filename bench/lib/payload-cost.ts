// Payload handling costs for bench:ingest: value-pattern masking on text-heavy payloads (on vs off,
// side by side) and the size walk on a huge tool result (issue 10 items 19 and 25).
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  ExecutionStore,
  attachExecutionHistory,
  createJsonSanitizer,
  newId,
  sanitizeJson,
} from '../../src/index.js';
import { sanitizeJsonText } from '../../src/json/json-text.js';
import { percentile } from './stats.js';

/** A tool result as agents produce them: prose that mentions tokens and keys, headers, usage. */
function textHeavyPayload(i: number): unknown {
  return {
    answer:
      `Step ${i}: the model read the API documentation, checked the token budget and the key ` +
      'rotation policy, then summarised: requests are authenticated with a bearer header; the ' +
      'password reset flow sends a one-time link; sessions expire after 30 minutes of inactivity. ' +
      'See https://docs.example.com/auth?page=2 for the details of the signature scheme.',
    headers: { 'content-type': 'application/json', authorization: 'Bearer abc' },
    usage: { inputTokens: 812 + i, outputTokens: 164, totalTokens: 976 + i },
    items: [
      { id: i, title: 'rotate keys monthly', tags: ['security', 'ops'] },
      { id: i + 1, title: 'pin versions', tags: ['build'] },
    ],
  };
}

export interface Percentiles {
  p50: number;
  p99: number;
}

function summary(samples: number[]): Percentiles {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/**
 * µs per sanitizeJson of a text-heavy payload, value masking on vs off, and per JSON column text as
 * the middleware stores it (sanitizeJsonText: the same text written in one pass), interleaved.
 */
export function maskingCost(calls: number): {
  on: Percentiles;
  off: Percentiles;
  columnOn: Percentiles;
  columnOff: Percentiles;
} {
  const on = createJsonSanitizer();
  const off = createJsonSanitizer({ maskValues: false });
  const json = (v: unknown, s: typeof on): unknown => sanitizeJson(v, s);
  const column = (v: unknown, s: typeof on): unknown => sanitizeJsonText(v, s);
  const variants = [
    { s: on, f: json, samples: [] as number[] },
    { s: off, f: json, samples: [] as number[] },
    { s: on, f: column, samples: [] as number[] },
    { s: off, f: column, samples: [] as number[] },
  ];
  const payloads = Array.from({ length: 64 }, (_, i) => textHeavyPayload(i));
  const block = 200;
  for (let done = 0; done < calls + 2_000; done += block)
    for (const v of variants)
      for (let i = 0; i < block; i++) {
        const t0 = performance.now();
        v.f(payloads[i % payloads.length], v.s);
        const dt = (performance.now() - t0) * 1000;
        if (done >= 2_000) v.samples.push(dt);
      }
  return {
    on: summary(variants[0]!.samples),
    off: summary(variants[1]!.samples),
    columnOn: summary(variants[2]!.samples),
    columnOff: summary(variants[3]!.samples),
  };
}

/**
 * ms per `emit('tool:end')` whose result holds 1,000 arrays of 1,536 floats (embeddings): the walk
 * must stop at the 64 KiB cap instead of visiting 1.5 million numbers.
 */
export async function sizeWalkCost(
  store: ExecutionStore,
  spoolDir: string,
  emits: number,
): Promise<Percentiles> {
  const embeddings = Array.from({ length: 1000 }, () =>
    Array.from({ length: 1536 }, () => Math.random()),
  );
  const em = new EventEmitter();
  const handle = attachExecutionHistory(em, { store, spoolDir });
  const samples: number[] = [];
  for (let i = 0; i < emits + 5; i++) {
    const runId = newId();
    em.emit('process:start', { runId, goalText: 'embed the corpus' });
    em.emit('tool:start', { runId, callId: 'c', toolName: 'embed', parameters: { n: 1000 } });
    const t0 = performance.now();
    em.emit('tool:end', {
      runId,
      callId: 'c',
      toolName: 'embed',
      success: true,
      result: embeddings,
    });
    const dt = performance.now() - t0;
    if (i >= 5) samples.push(dt);
    em.emit('process:end', { runId, result: { success: true } });
  }
  await handle.close();
  return summary(samples);
}
