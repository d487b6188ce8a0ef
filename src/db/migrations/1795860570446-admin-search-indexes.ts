import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin UI's searches ("contains" over ident, name, ULN and email for learners; ref,
 * name and EDRS number or email for organisations and officers) as trigram indexes, so
 * a search stays an index scan with tens of thousands of learners. The expressions here
 * are the ones src/admin's queries use, character for character.
 */
export class AdminSearchIndexes1795860570446 implements MigrationInterface {
  name = 'AdminSearchIndexes1795860570446';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "learner_search_idx" ON "learner" USING gin ((lower("learner_ident" || ' ' || "first_name" || ' ' || "surname" || ' ' || coalesce("uln", '') || ' ' || coalesce("email", ''))) gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX "organisation_search_idx" ON "organisation" USING gin ((lower("ref" || ' ' || "name" || ' ' || coalesce("edrs_number", ''))) gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX "officer_search_idx" ON "officer" USING gin ((lower("ref" || ' ' || "first_name" || ' ' || "surname" || ' ' || "email")) gin_trgm_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "officer_search_idx"`);
    await queryRunner.query(`DROP INDEX "organisation_search_idx"`);
    await queryRunner.query(`DROP INDEX "learner_search_idx"`);
  }
}
