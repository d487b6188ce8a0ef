import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every daily run updates each learner row (lastSyncedAt, OTJ hours, the risk band) and
 * each aim row (elements done and total). On pages filled to the brim the new version of a
 * row goes to another page, and every index of the table gets an entry for it: seven on
 * learner (one a trigram GIN), six on learning_aim. With a fifth of each page left free the
 * new version stays on its page as a heap-only tuple and no index is written (half the
 * bench's aim updates and a third of its learner updates were not). New and rewritten
 * pages get the room; an existing database gains it as its rows are rewritten.
 */
export class RoomForDailyUpdates1796100000000 implements MigrationInterface {
  name = 'RoomForDailyUpdates1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "learner" SET (fillfactor = 80)`);
    await queryRunner.query(`ALTER TABLE "learning_aim" SET (fillfactor = 80)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "learning_aim" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "learner" RESET (fillfactor)`);
  }
}
