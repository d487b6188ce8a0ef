import { closeTestDatabase } from './database.js';
import { cleanTestRedis } from './redis.js';

/** Mocha root hooks: whatever a test run created in PostgreSQL and Redis is removed at its end. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await closeTestDatabase();
    await cleanTestRedis();
  },
};
