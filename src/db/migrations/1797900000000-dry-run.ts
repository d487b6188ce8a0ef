import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dry runs (SPEC.md §6): a run that reads Smart Assessor and records what it would
 * change, writing nothing. It is a whole-provider run like any other (the same fan-out
 * and queues), told apart by this flag wherever runs are shown. One real and one dry run
 * may be active at a time: a dry run started late in the evening must never cost the
 * provider that night's scheduled run.
 */
export class DryRun1797900000000 implements MigrationInterface {
  name = 'DryRun1797900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_run" ADD "dry_run" boolean NOT NULL DEFAULT false`);
    // The few dry runs, which a record's history leaves out: found without reading every run (learner and live runs are many).
    await queryRunner.query(`CREATE INDEX "sync_run_dry_run_idx" ON "sync_run" ("id") WHERE dry_run`);
    await queryRunner.query(`DROP INDEX "sync_run_one_active_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "sync_run_one_active_key" ON "sync_run" ("dry_run") WHERE state IN ('queued', 'running') AND trigger IN ('schedule', 'manual')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "sync_run" WHERE dry_run`);
    await queryRunner.query(`DROP INDEX "sync_run_dry_run_idx"`);
    await queryRunner.query(`DROP INDEX "sync_run_one_active_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "sync_run_one_active_key" ON "sync_run" ((true)) WHERE state IN ('queued', 'running') AND trigger IN ('schedule', 'manual')`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP COLUMN "dry_run"`);
  }
}
