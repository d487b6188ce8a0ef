import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * sync_event's (run_id, outcome) index served one thing, a run's failed jobs (the admin
 * run report), and it hurt the outcome statement every job runs: on a sync_event that has
 * no statistics yet (a new installation, or autovacuum off) it costs the same as the
 * (run, queue, subject) key to the planner, and a worker connection that prepared its plan
 * then kept scanning all of the run's events for every outcome: a cost per job that grows
 * with the run (PostgreSQL's CPU per job more than doubled from 2,000 to 10,000 learners
 * in the bench). Kept to the failed events, the
 * index still serves the report, cannot serve the outcome lookup (whose plan is then the
 * key's whatever the statistics), and is no longer written for every event.
 */
export class SyncEventFailedIndex1796000000000 implements MigrationInterface {
  name = 'SyncEventFailedIndex1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "sync_event_run_outcome_idx"`);
    await queryRunner.query(`CREATE INDEX "sync_event_run_failed_idx" ON "sync_event" ("run_id") WHERE outcome = 'failed'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "sync_event_run_failed_idx"`);
    await queryRunner.query(`CREATE INDEX "sync_event_run_outcome_idx" ON "sync_event" ("run_id", "outcome") `);
  }
}
