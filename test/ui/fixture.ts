import pg from 'pg';
import type { ExecutionStore } from '../../src/index.js';

export interface UiFixture {
  failedExecutionId: string;
  okExecutionId: string;
  recommendationId: number;
  otherRecommendationId: number;
}

const HOUR = 3_600_000;

/**
 * A small history: two tools (one flaky, with a distinctive error), an execution whose goal holds
 * markup, feedback, an AI-generated tool and two open recommendations.
 */
export async function seedUiHistory(store: ExecutionStore, url: string): Promise<UiFixture> {
  const now = Date.now();
  let failedExecutionId = '';
  let okExecutionId = '';
  for (let i = 0; i < 40; i++) {
    const flakyFails = i % 3 === 0;
    const createdAt = new Date(now - (i + 1) * HOUR);
    const executionId = await store.storeExecution({
      goalText: i === 0 ? 'Render <script>alert("x")</script> & friends' : `goal number ${i}`,
      intent: i % 2 === 0 ? 'search' : 'calculate',
      success: !flakyFails,
      error: flakyFails ? 'flaky_tool gave up' : null,
      durationMs: 900,
      createdAt,
      metadata: { model: 'test-model', usage: { inputTokens: 120, outputTokens: 40 } },
    });
    await store.storeToolExecution({
      executionId,
      toolName: 'steady_tool',
      parameters: { query: `q${i}` },
      result: { hits: i },
      success: true,
      durationMs: 100,
      createdAt,
    });
    await store.storeToolExecution({
      executionId,
      toolName: 'flaky_tool',
      parameters: { attempt: i, city: 'Lyon' },
      success: !flakyFails,
      error: flakyFails ? 'UpstreamTimeout: weather service did not answer' : null,
      durationMs: 500,
      createdAt: new Date(createdAt.getTime() + 150),
    });
    if (i === 3) failedExecutionId = executionId;
    if (i === 1) okExecutionId = executionId;
    if (i % 4 === 0)
      await store.storeFeedback({ executionId, rating: flakyFails ? 2 : 5, feedbackText: 'noted' });
  }
  await store.storeToolCreation({
    toolName: 'flaky_tool',
    generatedCode: 'export default async () => fetch("<weather>")',
    validationPassed: true,
    goalText: 'get the weather',
  });
  await store.updateStatistics();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO tool_lifecycle_recommendations (tool_name, action, reason, evidence)
       VALUES ('flaky_tool', 'deprecate', 'fails a third of the time', '{"successRate": 0.66, "total": 40}'),
              ('steady_tool', 'promote', 'never fails', '{"successRate": 1, "total": 40}')
       RETURNING id`,
    );
    return {
      failedExecutionId,
      okExecutionId,
      recommendationId: Number(inserted.rows[0]!.id),
      otherRecommendationId: Number(inserted.rows[1]!.id),
    };
  } finally {
    await client.end();
  }
}
