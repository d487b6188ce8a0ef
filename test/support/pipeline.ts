import { Redis } from 'ioredis';
import winston from 'winston';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../queues/connection.js';
import type { QueueName } from '../../queues/definitions.js';
import { payloadSubject } from '../../queues/definitions.js';
import { createProducers, type Producers } from '../../queues/producers.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { subjectOf } from '../../src/runs/outcomes.js';
import { currentRunSettings } from '../../src/settings/run-settings.js';
import type { SmartAssessorApi } from '../../src/smart-assessor/types.js';
import type { JobResult, Processor, WorkerDeps, WorkerProcessDeps } from '../../src/jobs/job-contract.js';
import type { ProcessorMap } from '../../workers/processors.js';
import type { WorkerTuning } from '../../queues/worker-tuning.js';
import { startWorkers, type RunningWorkers } from '../../workers/runner.js';
import { testRedisUrl, uniqueQueuePrefix } from './redis.js';

/**
 * Helpers to run the pipeline in-process in a test: producers and workers on a queue
 * prefix of the test's own, test processors instead of the real ones, and fixtures.
 */

/** Short locks and stall checks, so a killed worker's job comes back within seconds. */
export const FAST_WORKERS: WorkerTuning = { lockDuration: 2_000, stalledInterval: 1_000, maxStalledCount: 1, drainDelay: 1 };

export const silentLogger: Logger = createLogger('error', [new winston.transports.Console({ silent: true })]);

export interface TestPipeline {
  prefix: string;
  producers: Producers;
  /** A plain connection for the workers' deps and for looking into Redis. */
  redis: Redis;
  close(): Promise<void>;
}

export async function openTestPipeline(label = 'pipeline'): Promise<TestPipeline> {
  const prefix = uniqueQueuePrefix(label);
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: false });
  const producers = createProducers({ connection: workerConnection(testRedisUrl), prefix });
  return {
    prefix,
    producers,
    redis,
    async close() {
      await producers.close();
      redis.disconnect();
    },
  };
}

/**
 * Worker deps for test processors: the real database and Redis, the settings as they are
 * whenever a processor asks, and a Smart Assessor of the test's choosing (none by default).
 */
export function testWorkerDeps(db: DataSource, redis: Redis, smartAssessor?: () => Promise<SmartAssessorApi>): WorkerProcessDeps {
  const shared = { db, redis, logger: silentLogger };
  const deps: WorkerDeps = {
    ...shared,
    settings: () => currentRunSettings(db),
    smartAssessor: smartAssessor ?? (async () => Promise.reject(new Error('this test has no Smart Assessor'))),
  };
  return { ...shared, forJob: () => deps };
}

export interface TestWorkerOptions {
  processors: Partial<ProcessorMap>;
  /** Default: the queues `processors` has. */
  queues?: QueueName[];
  concurrency?: number;
  tuning?: WorkerTuning;
  smartAssessor?: () => Promise<SmartAssessorApi>;
}

export function startTestWorkers(pipeline: TestPipeline, db: DataSource, options: TestWorkerOptions): Promise<RunningWorkers> {
  return startWorkers({
    connection: workerConnection(testRedisUrl),
    prefix: pipeline.prefix,
    queues: options.queues ?? (Object.keys(options.processors) as QueueName[]),
    concurrency: options.concurrency ?? 4,
    processors: options.processors,
    deps: testWorkerDeps(db, pipeline.redis, options.smartAssessor),
    tuning: options.tuning ?? FAST_WORKERS,
  });
}

/** A processor that changes nothing and answers `unchanged` for the job's subject. */
export function unchangedProcessor<Q extends QueueName>(): Processor<Q> {
  return async (job, _context, deps): Promise<JobResult> => ({
    subject: await subjectOf(deps.db, payloadSubject(job.name, job.data as object)),
    outcome: 'unchanged',
    changes: [],
  });
}

/** `unchangedProcessor` for each queue given. */
export function unchangedProcessors(queues: readonly QueueName[]): Partial<ProcessorMap> {
  return Object.fromEntries(queues.map((queue) => [queue, unchangedProcessor()])) as Partial<ProcessorMap>;
}

/** Polls `check` until it answers something truthy; fails with `what` after the deadline. */
export async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A promise and the function that settles it: to hold a test processor until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export interface LearnerFixture {
  ident: string;
  systemStatus?: 'Live' | 'Archived';
  smartAssessorId?: string | null;
  /** Actual end dates of the learner's aims (null: in learning). */
  aimEnds?: Array<string | null>;
  mainOfficerId?: number | null;
  placementOrganisationId?: number | null;
  roles?: Array<{ role: string; officerId: number }>;
}

async function fixtureQualification(db: DataSource): Promise<number> {
  const [existing] = (await db.query(`SELECT id FROM qualification WHERE reference = 'PIPE-Q1'`)) as Array<{ id: number }>;
  if (existing) return existing.id;
  const [row] = (await db.query(`INSERT INTO qualification (reference, title) VALUES ('PIPE-Q1', 'Pipeline Test Standard') RETURNING id`)) as Array<{ id: number }>;
  return row.id;
}

/** A learner with aims ending on the dates given; enrolled (SA id "SA-<ident>") and Live unless told otherwise. */
export async function seedLearner(db: DataSource, fixture: LearnerFixture): Promise<number> {
  const qualificationId = await fixtureQualification(db);
  const [learner] = (await db.query(
    `INSERT INTO learner (learner_ident, first_name, surname, system_status, smart_assessor_id, main_officer_id, placement_organisation_id)
     VALUES ($1, 'Test', 'Learner', $2, $3, $4, $5) RETURNING id`,
    [
      fixture.ident,
      fixture.systemStatus ?? 'Live',
      fixture.smartAssessorId === undefined ? `SA-${fixture.ident}` : fixture.smartAssessorId,
      fixture.mainOfficerId ?? null,
      fixture.placementOrganisationId ?? null,
    ],
  )) as Array<{ id: number }>;
  for (const [index, end] of (fixture.aimEnds ?? [null]).entries()) {
    await db.query(
      `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, actual_end_date, completion_status)
       VALUES ($1, $2, $3, '2020-01-01', '2030-01-01', $4, $5)`,
      [`${fixture.ident}-${index + 1}`, learner.id, qualificationId, end, end === null ? 1 : 2],
    );
  }
  for (const { role, officerId } of fixture.roles ?? []) {
    await db.query(`INSERT INTO learner_officer_role (learner_id, role, officer_id) VALUES ($1, $2, $3)`, [learner.id, role, officerId]);
  }
  return learner.id;
}

export async function seedOfficer(db: DataSource, ref: string): Promise<number> {
  const [row] = (await db.query(`INSERT INTO officer (ref, first_name, surname, email) VALUES ($1, 'Test', 'Officer', $2) RETURNING id`, [
    ref,
    `${ref.toLowerCase()}@provider.example`,
  ])) as Array<{ id: number }>;
  return row.id;
}

export async function seedOrganisation(db: DataSource, ref: string): Promise<number> {
  const [row] = (await db.query(`INSERT INTO organisation (ref, name) VALUES ($1, $2) RETURNING id`, [ref, `Organisation ${ref}`])) as Array<{ id: number }>;
  return row.id;
}

/** Every job id waiting (or prioritized, or delayed) in the queue. */
export async function pendingJobIds(pipeline: TestPipeline, queue: QueueName): Promise<string[]> {
  const jobs = await pipeline.producers.queues[queue].getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.map((job) => String(job.id));
}

/** What a Redis restart without persistence does to the pipeline: every key of the prefix is gone. */
export async function loseQueueData(pipeline: TestPipeline): Promise<number> {
  // One script, so the loss is all at once as a restart's is: removed a batch at a time,
  // a scheduler could write between batches and be left with half of a job scheduler.
  return (await pipeline.redis.eval(LOSE_KEYS_SCRIPT, 0, `${pipeline.prefix}:*`)) as number;
}

const LOSE_KEYS_SCRIPT = `
local keys = redis.call('KEYS', ARGV[1])
for first = 1, #keys, 1000 do
  redis.call('UNLINK', unpack(keys, first, math.min(first + 999, #keys)))
end
return #keys`;
