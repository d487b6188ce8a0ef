import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's progress counters, split into shards. Every job outcome adds to its run's
 * counts in the same transaction as its sync event; on one sync_run row those writers
 * queue behind each other's commits (a few hundred jobs a second at most), on sixteen
 * rows they commit side by side. The shards hold what has not yet been folded into
 * sync_run; a run's counts are sync_run's plus its shards', and the shards are folded
 * (and deleted) when the run completes and on each reconciler pass.
 */
export class SyncRunCounters1795900000000 implements MigrationInterface {
  name = 'SyncRunCounters1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sync_run_counter" (
        "run_id" uuid NOT NULL,
        "shard" smallint NOT NULL,
        "jobs_completed" integer NOT NULL DEFAULT 0,
        "jobs_failed" integer NOT NULL DEFAULT 0,
        "changes" integer NOT NULL DEFAULT 0,
        CONSTRAINT "sync_run_counter_pkey" PRIMARY KEY ("run_id", "shard"),
        CONSTRAINT "sync_run_counter_shard_check" CHECK (shard >= 0 AND shard < 16),
        CONSTRAINT "sync_run_counter_run_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_run"("id") ON DELETE CASCADE
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync_run_counter"`);
  }
}
