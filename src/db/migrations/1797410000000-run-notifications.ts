import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin's notification webhook (sealed like the Smart Assessor password) and the
 * outbox of what it is to be told: one row per run and event, made at most once (the
 * primary key), sent until the receiver takes it or the tries run out
 * (src/notifications/run-notifications.ts).
 */
export class RunNotifications1797410000000 implements MigrationInterface {
  name = 'RunNotifications1797410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "integration_settings" ADD "notification_webhook_url_encrypted" text`);
    await queryRunner.query(
      `CREATE TABLE "run_notification" (
        "run_id" uuid NOT NULL,
        "event" character varying(24) NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "claimed_until" TIMESTAMP WITH TIME ZONE,
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "gave_up_at" TIMESTAMP WITH TIME ZONE,
        "last_error" text,
        CONSTRAINT "run_notification_event_check" CHECK (event IN ('finished-with-failures', 'failed', 'overdue')),
        CONSTRAINT "run_notification_pkey" PRIMARY KEY ("run_id", "event"),
        CONSTRAINT "run_notification_run_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_run"("id") ON DELETE CASCADE
      )`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "run_notification_id_key" ON "run_notification" ("id")`);
    await queryRunner.query(`CREATE INDEX "run_notification_due_idx" ON "run_notification" ("next_attempt_at") WHERE sent_at IS NULL AND gave_up_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "run_notification"`);
    await queryRunner.query(`ALTER TABLE "integration_settings" DROP COLUMN "notification_webhook_url_encrypted"`);
  }
}
