/** One id per test process: its database and its Redis key prefix are named after it. */
export const TEST_RUN_ID = `${Date.now().toString(36)}_${process.pid}`;
