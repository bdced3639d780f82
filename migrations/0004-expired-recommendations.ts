import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recommendations can expire: an open one that the weekly run no longer finds (the tool recovered,
 * came back into use, ...) is closed as 'expired' instead of staying open forever.
 */
export class ExpiredRecommendations1764000000004 implements MigrationInterface {
  name = 'ExpiredRecommendations1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    await q.query(`ALTER TABLE "tool_lifecycle_recommendations"
      DROP CONSTRAINT "chk_tool_lifecycle_recommendations_status",
      ADD CONSTRAINT "chk_tool_lifecycle_recommendations_status"
        CHECK ("status" IN ('open', 'accepted', 'dismissed', 'expired'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Without the status, an expired recommendation reads as one nobody acted on: dismissed.
    await q.query(
      `UPDATE "tool_lifecycle_recommendations" SET "status" = 'dismissed' WHERE "status" = 'expired'`,
    );
    await q.query(`ALTER TABLE "tool_lifecycle_recommendations"
      DROP CONSTRAINT "chk_tool_lifecycle_recommendations_status",
      ADD CONSTRAINT "chk_tool_lifecycle_recommendations_status"
        CHECK ("status" IN ('open', 'accepted', 'dismissed'))`);
  }
}
