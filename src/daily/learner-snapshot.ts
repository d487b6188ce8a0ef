import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from '../../queues/connection.js';
import type { AnyJobName } from '../../queues/definitions.js';
import type { SmartAssessorWrite } from '../jobs/job-writes.js';
import type { Logger } from '../logging/logger.js';
import { RedisScript } from '../redis/script.js';
import type { Learner, LearnerCourse, SmartAssessorApi } from '../smart-assessor/types.js';

/**
 * A run's shared Smart Assessor reads for one learner. Several queues need the same SA
 * records (the learner: demographics, status, learner-employer; the learner's courses:
 * qualification progress and status), so each is fetched once per run and kept in
 * Redis, where workers in any process find it:
 *
 * - One reader fetches: a short lock (SET NX PX) elects it, the others wait for the value
 *   instead of fetching too (in one process they share the same promise without Redis).
 *   The value is stored with HSETNX, so racing readers always agree on one version.
 * - Memory stays bounded at 100,000 learners: every reader queue marks the entry when its
 *   job is done, and the last mark deletes it, so an entry lives about as long as the
 *   queues are apart. A TTL removes what a reader never comes back for (a job that failed
 *   for good, a queue covered by another run); a reader that comes later still works,
 *   it just fetches again.
 * - A job that writes to Smart Assessor puts SA's answer back in place once its sync event
 *   is committed, so a repeat of a job that finished (a stalled job run again) compares
 *   against what SA now holds and records nothing twice; a job that died before its commit
 *   still finds the old values, sends the same changes again and records them once.
 *
 * The jobs only read it (JobSnapshot.open); the runner does the rest for them, after the
 * job's commit (JobSnapshot.afterCommit).
 */

export type SnapshotPart = 'learner' | 'courses';

/** The jobs that read each part; the entry goes once all of them are done with it. */
export type SnapshotReader = 'demographics' | 'status' | 'learner-employer' | 'qualification-progress';

/** Long enough to outlast the gap between the first and last reader queue of a run; after it a late reader fetches again. */
export const SNAPSHOT_TTL_SECONDS = 2 * 60 * 60;
/** Longer than the client's request timeout, so a slow fetch is not duplicated; a dead fetcher's lock lapses after it. */
const FETCH_LOCK_MS = 35_000;
/** How often a reader looks for the value another reader is fetching (one request's time, roughly). */
const WAIT_POLL_MS = 15;

/**
 * The kept value if there is one (answers {value}); else the fetch lock for ARGV[1]
 * unless another reader holds it (answers {false, 1} when taken, {false, 0} when not):
 * a reader's look and its bid to fetch are one round trip.
 */
const READ_OR_LOCK = new RedisScript(`
local kept = redis.call('HGET', KEYS[1], 'value')
if kept then return {kept} end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {false, 1} end
return {false, 0}`);

/**
 * Stores a fetched value unless a racing reader stored one first, and lets go of the
 * fetch lock if ARGV[3] still holds it; answers the stored value.
 */
const STORE_AND_UNLOCK = new RedisScript(`
if redis.call('HSETNX', KEYS[1], 'value', ARGV[1]) == 1 and redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return redis.call('HGET', KEYS[1], 'value')`);

/** Replaces the value after a write, only while the entry is still kept. */
const REFRESH = new RedisScript(`
if redis.call('HEXISTS', KEYS[1], 'value') == 1 then redis.call('HSET', KEYS[1], 'value', ARGV[1]) end
return 0`);

/** Marks ARGV[1] done; deletes the entry when every reader in ARGV[3..] is. A mark made before any value keeps the TTL too. */
const RELEASE = new RedisScript(`
redis.call('HSET', KEYS[1], 'read:' .. ARGV[1], '1')
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
for i = 3, #ARGV do
  if redis.call('HEXISTS', KEYS[1], 'read:' .. ARGV[i]) == 0 then return 0 end
end
redis.call('DEL', KEYS[1])
return 1`);

const UNLOCK = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Reads of an entry under way in this process, by key. */
export type ReadsInFlight = Map<string, Promise<unknown>>;

/** Reads of the same entry in this process share one promise: no Redis round trips to wait on a neighbour. */
const processReads: ReadsInFlight = new Map();

/** The parts each reader reads. */
const PARTS_READ: Record<SnapshotReader, readonly SnapshotPart[]> = {
  demographics: ['learner'],
  status: ['learner', 'courses'],
  'learner-employer': ['learner'],
  'qualification-progress': ['courses'],
};

/** Which reader each job is; the other jobs read no snapshot. */
const READER_OF_JOB: Partial<Record<AnyJobName, SnapshotReader>> = {
  'learner-demographics': 'demographics',
  'learner-status': 'status',
  'learner-employer': 'learner-employer',
  'learner-progress': 'qualification-progress',
};

/** The readers of each part in a run with these settings. */
export function snapshotReaders(part: SnapshotPart, settings: { pushChangesToLearnerEmployer: boolean }): SnapshotReader[] {
  if (part === 'courses') return ['qualification-progress', 'status'];
  return settings.pushChangesToLearnerEmployer ? ['demographics', 'status', 'learner-employer'] : ['demographics', 'status'];
}

/**
 * The entry's key; its fetch lock is the key and ":fetching". The scripts touch both, so
 * on a Redis Cluster they must share a hash slot: the run and learner are a hash tag,
 * which also spreads a run's entries over the Cluster's nodes.
 */
export function snapshotKey(runId: string, saLearnerId: string, part: SnapshotPart): string {
  return `sai:daily-snapshot:{${runId}:${saLearnerId}}:${part}`;
}

export class LearnerSnapshot {
  constructor(
    private readonly redis: RedisClient,
    private readonly runId: string,
    private readonly saLearnerId: string,
    /** The process's reads under way; a test gives each simulated process its own. */
    private readonly inFlight: ReadsInFlight = processReads,
  ) {}

  learner(client: SmartAssessorApi): Promise<Learner> {
    return this.read('learner', () => client.getLearner(this.saLearnerId));
  }

  courses(client: SmartAssessorApi): Promise<LearnerCourse[]> {
    return this.read('courses', () => client.listLearnerCourses(this.saLearnerId));
  }

  /** After a PATCH of the learner is on record: SA's answer is what SA now holds. */
  async learnerWritten(learner: Learner): Promise<void> {
    await REFRESH.run(this.redis, [this.key('learner')], [JSON.stringify(learner)]);
  }

  /** After PATCHes of some courses are on record: those answers replace their courses in the list read earlier. */
  async coursesWritten(before: readonly LearnerCourse[], written: readonly LearnerCourse[]): Promise<void> {
    const byId = new Map(written.map((course) => [course.id, course]));
    const after = before.map((course) => byId.get(course.id) ?? course);
    await REFRESH.run(this.redis, [this.key('courses')], [JSON.stringify(after)]);
  }

  /** `reader`'s job is done with `part` (read or not); the entry goes when every reader's is. */
  async release(part: SnapshotPart, reader: SnapshotReader, readers: readonly SnapshotReader[]): Promise<void> {
    await RELEASE.run(this.redis, [this.key(part)], [reader, SNAPSHOT_TTL_SECONDS, ...readers]);
  }

  /**
   * release, without the job waiting for it: the mark is bookkeeping for memory (one that
   * never lands leaves the entry to its TTL), so a job sends it once its outcome is on
   * record and does not wait a round trip at its end. A failure is logged.
   */
  markDone(part: SnapshotPart, reader: SnapshotReader, readers: readonly SnapshotReader[], log: Pick<Logger, 'warn'>): void {
    this.release(part, reader, readers).catch((error: unknown) => log.warn('the run snapshot could not be marked read', { part, reader, error }));
  }

  private key(part: SnapshotPart): string {
    return snapshotKey(this.runId, this.saLearnerId, part);
  }

  private read<T>(part: SnapshotPart, fetch: () => Promise<T>): Promise<T> {
    const key = this.key(part);
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const reading = this.readShared(key, fetch).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, reading);
    return reading;
  }

  private async readShared<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const lockKey = `${key}:fetching`;
    for (;;) {
      const token = randomUUID();
      const [kept, locked] = (await READ_OR_LOCK.run(this.redis, [key, lockKey], [token, FETCH_LOCK_MS])) as [string | null, number?];
      if (kept !== null) return JSON.parse(kept) as T;
      if (locked === 1) {
        let fetched: T;
        try {
          fetched = await fetch();
        } catch (error) {
          await UNLOCK.run(this.redis, [lockKey], [token]);
          throw error;
        }
        const agreed = (await STORE_AND_UNLOCK.run(this.redis, [key, lockKey], [JSON.stringify(fetched), SNAPSHOT_TTL_SECONDS, token])) as string;
        return JSON.parse(agreed) as T;
      }
      // Another worker process is fetching it. The plain connection cannot block on a
      // key, so look again shortly; if that fetch fails its lock goes and one of us tries.
      await delay(WAIT_POLL_MS);
    }
  }
}

/** What a job reads through the run's snapshot of its learner. */
export interface LearnerSnapshotReads {
  learner(client: SmartAssessorApi): Promise<Learner>;
  courses(client: SmartAssessorApi): Promise<LearnerCourse[]>;
}

/**
 * One job's use of the run's snapshot of its learner, kept by the runner: the job opens
 * it once it knows the learner's Smart Assessor id and reads through it; the job's Smart
 * Assessor writes are shown to it as they are answered (`written`); once the job's
 * outcome is committed (and only then: a job that dies before its commit must find the
 * old values when it runs again) `afterCommit` marks the job's parts done and puts back
 * what Smart Assessor answered to the job's PATCHes of the learner and their courses.
 * The marks are sent without waiting and the refresh with them: a refresh and a release
 * of an entry give the same end in either order.
 */
export class JobSnapshot {
  private opened?: { snapshot: LearnerSnapshot; saLearnerId: string };
  private coursesRead?: LearnerCourse[];
  private learnerAnswer?: Learner;
  private readonly courseAnswers: LearnerCourse[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly runId: string | null,
    private readonly jobName: string,
  ) {}

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  open(saLearnerId: string): LearnerSnapshotReads {
    if (this.runId === null) throw new Error(`Job ${this.jobName} is not part of a run: it has no run snapshot to read`);
    if (this.opened?.saLearnerId !== saLearnerId) this.opened = { snapshot: new LearnerSnapshot(this.redis, this.runId, saLearnerId), saLearnerId };
    const { snapshot } = this.opened;
    return {
      learner: (client) => snapshot.learner(client),
      courses: async (client) => (this.coursesRead = await snapshot.courses(client)),
    };
  }

  /** Smart Assessor's answer to one of the job's writes. */
  written(write: SmartAssessorWrite, answer: unknown): void {
    if (!this.opened || write.args[0] !== this.opened.saLearnerId) return;
    if (write.operation === 'updateLearner') this.learnerAnswer = answer as Learner;
    if (write.operation === 'updateLearnerCourse') this.courseAnswers.push(answer as LearnerCourse);
  }

  async afterCommit(settings: { pushChangesToLearnerEmployer: boolean }, log: Pick<Logger, 'warn'>): Promise<void> {
    if (!this.opened) return;
    const { snapshot } = this.opened;
    const reader = READER_OF_JOB[this.jobName as AnyJobName];
    for (const part of reader ? PARTS_READ[reader] : []) snapshot.markDone(part, reader!, snapshotReaders(part, settings), log);
    await Promise.all([
      this.courseAnswers.length > 0 && this.coursesRead ? snapshot.coursesWritten(this.coursesRead, this.courseAnswers) : undefined,
      this.learnerAnswer ? snapshot.learnerWritten(this.learnerAnswer) : undefined,
    ]);
  }
}
