import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An admin session also ends after a spell without requests (ADMIN_SESSION_IDLE_MINUTES),
 * not only at its fixed limit: each session keeps when it was last used. Sessions open
 * at the upgrade count as used at that moment.
 */
export class AdminSessionLastSeen1797200000000 implements MigrationInterface {
  name = 'AdminSessionLastSeen1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "admin_session" ADD "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "admin_session" DROP COLUMN "last_seen_at"`);
  }
}
