import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync events are pruned (src/history/prune-history.ts): a finished run's unchanged and
 * skipped outcomes after HISTORY_KEEP_UNCHANGED_DAYS, the rest after
 * HISTORY_KEEP_CHANGES_DAYS; the run's row and counts stay.
 *
 * - `sync_run.events_kept` says what is left of a run's events ('all', 'changes' —
 *   changes and failures —, 'none'), so each daily pass walks only the runs it has work
 *   in, through the run's own slice of sync_event_run_subject_key: no index on sync_event
 *   is added, and the outcome statement every job runs writes no more than before.
 * - `sync_run.learners_done` keeps the run page's "learners done" (counted from the
 *   events) before they are thinned, so the page reads the same afterwards.
 * - Events outside any run (enrolment, an admin's edit) are few, and found by their time
 *   through a partial index that the run's events never enter.
 */
export class BoundedHistory1797400000000 implements MigrationInterface {
  name = 'BoundedHistory1797400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_run" ADD "events_kept" character varying(8) NOT NULL DEFAULT 'all'`);
    await queryRunner.query(`ALTER TABLE "sync_run" ADD CONSTRAINT "sync_run_events_kept_check" CHECK (events_kept IN ('all', 'changes', 'none'))`);
    await queryRunner.query(`ALTER TABLE "sync_run" ADD "learners_done" integer`);
    await queryRunner.query(`CREATE INDEX "sync_event_outside_runs_idx" ON "sync_event" ("at") WHERE run_id IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "sync_event_outside_runs_idx"`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP COLUMN "learners_done"`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP CONSTRAINT "sync_run_events_kept_check"`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP COLUMN "events_kept"`);
  }
}
