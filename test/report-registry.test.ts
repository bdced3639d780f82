import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderReportHtml, type ExecutionStore } from '../src/index.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';

/** Issue 16: the report shows each tool's registry status. */
describe('registry status in the report', () => {
  let store: ExecutionStore;

  beforeAll(async () => {
    ({ store } = await openTestStore());
    for (const tool of ['kept_tool', 'old_tool', 'gone_tool', 'star_tool', 'loose_tool']) {
      const executionId = await store.storeExecution({ goalText: `use ${tool}`, success: true });
      await store.storeToolExecution({ executionId, toolName: tool, success: true, durationMs: 5 });
    }
    await store.registerTools(
      ['kept_tool', 'old_tool', 'gone_tool', 'star_tool'].map((name) => ({
        name,
        description: `the ${name}`,
      })),
    );
    await store.setToolStatus('old_tool', 'deprecated', { by: 'test', reason: 'replaced' });
    await store.setToolStatus('gone_tool', 'archived', { by: 'test' });
    const promote = await poolOf(store).query<{ id: string }>(
      `INSERT INTO tool_lifecycle_recommendations (tool_name, action, reason, evidence)
       VALUES ('star_tool', 'promote', 'never fails', '{}') RETURNING id`,
    );
    await store.acceptRecommendation(Number(promote.rows[0]!.id));
  });

  it('carries status and the promoted mark per tool; unregistered tools have none', async () => {
    const model = await buildReport(store, { days: 1 });
    const status = Object.fromEntries(model.tools.map((t) => [t.toolName, [t.status, t.promoted]]));
    expect(status).toEqual({
      kept_tool: ['active', false],
      old_tool: ['deprecated', false],
      gone_tool: ['archived', false],
      star_tool: ['active', true],
      loose_tool: [null, false],
    });
  });

  it('lists deprecated and archived tools with a badge in the HTML report', async () => {
    const html = renderReportHtml(await buildReport(store, { days: 1 }));
    const section = html.slice(html.indexOf('<h2>Tool registry</h2>'));
    expect(section).toContain('<b>active</b> 2');
    expect(section).toMatch(/data-tool="star_tool">[\s\S]*?badge promote">promoted</);
    expect(section).toContain('<b>unregistered</b> 1');
    expect(section).toMatch(/data-tool="old_tool">[\s\S]*?badge deprecate">deprecated</);
    expect(section).toMatch(/data-tool="gone_tool">[\s\S]*?badge archive">archived</);
    expect(section.slice(0, section.indexOf('</table>'))).not.toContain('kept_tool');
  });
});
