import { beforeAll, describe, expect, it } from 'vitest';
import { Orchestrator, attachExecutionHistory, type ExecutionStore } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

// Tool names written through the store API and through the middleware, then read back by the
// same name through getToolStatistics and rankTools: a NUL, a lone surrogate, a tab, a name shaped
// like a secret (stored masked, found masked), composed and decomposed é, ß, spaces around.
const NAMES = [
  'a\u0000b',
  'lone\uD800x',
  'tab\there',
  'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789AB',
  'é',
  'e\u0301',
  'ß',
  'Straße',
  ' pad ',
];
let store: ExecutionStore;
beforeAll(async () => {
  ({ store } = await openTestStore());
});
describe('tool names at the edges, written two ways and read back', () => {
  it('both writers store the same name; every read finds it; distinct names stay distinct', async () => {
    const id = await store.storeExecution({ goalText: 'names' });
    for (const n of NAMES)
      await store.storeToolExecution({ executionId: id, toolName: n, success: true });
    const orch = new Orchestrator();
    const history = attachExecutionHistory(orch, { store });
    const emit = orch.emit.bind(orch) as (e: string, p: unknown) => boolean;
    let k = 0;
    for (const n of NAMES) {
      const runId = `r${k++}`;
      emit('process:start', { runId, goalText: 'names' });
      emit('tool:start', { runId, callId: 'c1', toolName: n });
      emit('tool:end', { runId, callId: 'c1', toolName: n, success: true, durationMs: 1 });
      emit('process:end', { runId, result: { success: true } });
    }
    await history.close();
    await store.updateStatistics();
    const stored = (
      await poolOf(store).query('SELECT tool_name, total_executions FROM tool_statistics')
    ).rows;
    expect(stored).toHaveLength(NAMES.length);
    expect(stored.every((r) => Number(r.total_executions) === 2)).toBe(true);
    for (const n of NAMES) {
      expect((await store.getToolStatistics(n))?.totalExecutions, JSON.stringify(n)).toBe(2);
      const [ranked] = await store.rankTools([n]);
      expect(ranked?.known, JSON.stringify(n)).toBe(true);
      expect(ranked?.totalExecutions).toBe(2);
    }
  });
});
