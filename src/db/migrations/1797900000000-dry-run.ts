import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dry runs (SPEC.md §6): a run that reads Smart Assessor and records what it would
 * change, writing nothing. It is a whole-provider run like any other (one active at a
 * time, the same fan-out and queues), told apart by this flag wherever runs are shown.
 */
export class DryRun1797900000000 implements MigrationInterface {
  name = 'DryRun1797900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_run" ADD "dry_run" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_run" DROP COLUMN "dry_run"`);
  }
}
