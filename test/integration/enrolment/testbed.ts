import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { Learner, SyncEvent } from '../../../entities/index.js';
import { refreshQualificationLinks } from '../../../src/enrolment/index.js';
import { importDocument, type ImportDocument } from '../../../src/import/import-document.js';
import { createLogger } from '../../../src/logging/logger.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { runSettingsOf } from '../../../src/settings/run-settings.js';
import { SettingsService, type SettingsPatch } from '../../../src/settings/settings-service.js';
import type { SmartAssessorClient } from '../../../src/smart-assessor/client.js';
import { enrolmentProcessor } from '../../../workers/enrolment.js';
import type { JobResult, WorkerDeps } from '../../../src/jobs/job-contract.js';
import { JobAttempt } from '../../../workers/job-attempt.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { testRedisUrl } from '../../support/redis.js';
import { clientFor, startTestSimulator, type RunningSimulator, type SimulatorOptions } from '../../support/simulator.js';

/** What the enrolment tests work against: this run's database, emptied, and a fresh simulator over HTTP. */
export interface Testbed {
  db: DataSource;
  simulator: RunningSimulator;
  client: SmartAssessorClient;
  /** Its connection falls back to the simulator's address and credentials. */
  settings: SettingsService;
  deps: WorkerDeps;
  /**
   * Imports the document and applies the settings, links the qualifications to the
   * simulator's courses (Refresh Qualification Links), then forgets the calls made so
   * far, so a test's counters start at zero.
   */
  load(document: ImportDocument, settings?: SettingsPatch): Promise<void>;
  learner(learnerIdent: string): Promise<Learner>;
  /** One attempt of the enrolment job, as the pipeline's runner makes it. */
  enrol(learnerIdent: string, jobId?: string): Promise<JobResult>;
  /** The learner's sync events, oldest first. */
  history(learnerIdent: string): Promise<SyncEvent[]>;
  close(): Promise<void>;
}

const quietLogger = createLogger('error');

export interface TestbedOptions {
  simulator?: SimulatorOptions;
  /** How long the client waits for an answer (a test that holds answers back keeps it short). */
  clientTimeoutMs?: number;
}

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const db = await testDataSource();
  await resetDatabase(db);
  const simulator = await startTestSimulator(options.simulator);
  const client = clientFor(simulator, options.clientTimeoutMs ? { timeoutMs: options.clientTimeoutMs } : {});
  const settings = new SettingsService(db, new SecretBox(randomBytes(32)), { baseUrl: simulator.baseUrl, ...simulator.credentials });
  // The enrolment processor never uses Redis; the connection is only opened if something does.
  const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  const deps: WorkerDeps = {
    db,
    redis,
    logger: quietLogger,
    settings: () => settings.get().then(runSettingsOf),
    smartAssessor: async () => client,
  };
  let jobs = 0;

  const learner = (learnerIdent: string) => db.getRepository(Learner).findOneByOrFail({ learnerIdent });

  return {
    db,
    simulator,
    client,
    settings,
    deps,
    async load(document, patch) {
      await importDocument(db, document);
      if (patch) await settings.update(patch);
      await refreshQualificationLinks(db, client);
      simulator.store.resetCounters();
    },
    learner,
    async enrol(learnerIdent, jobId = `enrol-test-${++jobs}`) {
      const { id } = await learner(learnerIdent);
      const attempt = await JobAttempt.begin({ queue: 'enrolment', jobName: 'enrol-learner', jobId, runId: null, attempt: 1, log: quietLogger }, { ...deps, forJob: () => deps });
      const result = await attempt.plan(enrolmentProcessor, { name: 'enrol-learner', data: { learnerId: id } });
      await attempt.commit(result);
      return result;
    },
    async history(learnerIdent) {
      const { id } = await learner(learnerIdent);
      return db.getRepository(SyncEvent).find({ where: { learnerId: id }, order: { id: 'ASC' } });
    },
    async close() {
      client.close();
      redis.disconnect();
      await simulator.close();
    },
  };
}

export { rejectionOf } from '../../support/rejection.js';

/**
 * Makes every write of `column` on `table` fail, as if the process died between Smart
 * Assessor's answer and the save. Answers the repair, which the test must run (in a
 * finally) since the trigger outlives the test.
 */
export async function failWritesOf(db: DataSource, table: string, column: string): Promise<() => Promise<void>> {
  const name = `enrolment_test_crash_${table}`;
  await db.query(`CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the worker died before ${table}.${column} was saved'; END $$`);
  await db.query(`CREATE TRIGGER ${name} BEFORE UPDATE OF ${column} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    await db.query(`DROP FUNCTION IF EXISTS ${name}()`);
  };
}
