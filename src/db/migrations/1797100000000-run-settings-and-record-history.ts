import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run records the settings it started with (SyncRun.settings), which every job of it
 * reads: a settings change applies to the next run at once, and never halfway through
 * one. Runs started before have none (null).
 *
 * Officers' and organisations' sync events (subject officer or organisation, no learner)
 * are read newest first for their history pages. The index is kept to those events, so
 * the learners' events, nearly all of them, write nothing to it; and since the outcome
 * statement never says `learner_id IS NULL`, its plan cannot take this index.
 */
export class RunSettingsAndRecordHistory1797100000000 implements MigrationInterface {
  name = 'RunSettingsAndRecordHistory1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_run" ADD "settings" jsonb`);
    await queryRunner.query(`CREATE INDEX "sync_event_record_history_idx" ON "sync_event" ("subject_type", "subject_ref", "at") WHERE learner_id IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "sync_event_record_history_idx"`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP COLUMN "settings"`);
  }
}
