import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A registry generation for in-process vector indexes (issue 16): one row whose counter goes up,
 * in the writer's own transaction, whenever a statement inserts, deletes or truncates tools or
 * writes their name or embedding. A process caching the vectors compares one number per query,
 * so a registration made by another process (or another store handle) is seen by the next
 * discovery. Status changes do not touch the vectors and do not bump it. Transactional, unlike a
 * sequence: a reader never sees the new number before the new vectors are visible.
 */
export class RegistryGeneration1764000000010 implements MigrationInterface {
  name = 'RegistryGeneration1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    await q.query(`CREATE TABLE "tool_registry_state" (
      "id" smallint NOT NULL,
      "generation" bigint NOT NULL DEFAULT 0,
      CONSTRAINT "PK_tool_registry_state" PRIMARY KEY ("id")
    )`);
    await q.query(`INSERT INTO "tool_registry_state" ("id", "generation") VALUES (1, 0)`);
    await q.query(`CREATE FUNCTION tool_registry_bump() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE tool_registry_state SET generation = generation + 1 WHERE id = 1;
        RETURN NULL;
      END
    $fn$`);
    // Statement-level: a batch of 10,000 registrations bumps once per trigger event (an upsert
    // fires both the INSERT and the UPDATE statement triggers), not once per row.
    await q.query(`CREATE TRIGGER "trg_tools_generation_write" AFTER INSERT OR DELETE OR UPDATE OF "name", "embedding"
      ON "tools" FOR EACH STATEMENT EXECUTE FUNCTION tool_registry_bump()`);
    await q.query(`CREATE TRIGGER "trg_tools_generation_truncate" AFTER TRUNCATE
      ON "tools" FOR EACH STATEMENT EXECUTE FUNCTION tool_registry_bump()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS "trg_tools_generation_truncate" ON "tools"`);
    await q.query(`DROP TRIGGER IF EXISTS "trg_tools_generation_write" ON "tools"`);
    await q.query(`DROP FUNCTION IF EXISTS tool_registry_bump()`);
    await q.query(`DROP TABLE IF EXISTS "tool_registry_state"`);
  }
}
