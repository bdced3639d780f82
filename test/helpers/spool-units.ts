import { randomUUID } from 'node:crypto';
import type { HistoryUnit } from '../../src/writer/unit.js';

/** One run as the spool holds it, with `tools` tool runs. */
export function spoolUnit(tools = 1): HistoryUnit {
  const executionId = randomUUID();
  const createdAt = new Date();
  return {
    execution: {
      executionId,
      goalId: null,
      goalText: 'spooled goal',
      intent: null,
      success: true,
      error: null,
      durationMs: 5,
      createdAt,
      metadata: '{}',
    },
    tools: Array.from({ length: tools }, () => ({
      callId: randomUUID(),
      executionId,
      toolName: 'alpha_tool',
      parameters: '{"a":1}',
      result: null,
      success: true,
      error: null,
      durationMs: 1,
      createdAt,
    })),
  };
}

export const spoolLine = (u: HistoryUnit): string => `${JSON.stringify(u)}\n`;

/** A spool file name as earlier versions wrote them (owner = a PID, no target). */
export const legacySpoolName = (pid: number, state = 'open'): string =>
  `${String(Date.now()).padStart(15, '0')}-000001-abcdef.${state}.${pid}.jsonl`;
