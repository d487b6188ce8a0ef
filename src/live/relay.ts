import type { DataSource, QueryRunner } from 'typeorm';
import type { RunSettings } from '../../entities/index.js';
import type { CoveredSubject, Producers, RunSubject } from '../../queues/producers.js';
import { LearnerSnapshot } from '../daily/learner-snapshot.js';
import type { Logger } from '../logging/logger.js';
import { eventSubject, recordCovered } from '../runs/outcomes.js';
import { acceptingLiveRun, createLiveRun } from '../runs/run-lifecycle.js';
import { currentRunSettings } from '../settings/run-settings.js';
import { ukToday } from '../sync/index.js';
import { liveJobId, liveRunSettings, snapshotReleases, type LiveJobName } from './live-jobs.js';
import { addLiveJobs, otherRunJobs, queuesClient } from './live-queue.js';
import { liveRecords, type LiveRecord } from './live-records.js';
import { closeLiveRuns, finishDispatches, liveJobsInFlight, recordDispatches, type Dispatch } from './live-runs.js';
import { dropChanges, readyRecords, removeChanges } from './outbox.js';
import { repairLiveJobs } from './repair.js';

/**
 * The relay of live sync (SPEC.md §6): turns the outbox the database triggers fill
 * (live_change) into jobs on the pipeline's own queues, for its own workers, under its
 * own request budget. The scheduler runs it (startLiveRelay); any number of schedulers
 * may, as each pass first takes a lease (a transaction-scoped advisory lock) and a
 * scheduler that does not get it leaves the pass to the one that did.
 *
 * A pass (none at all while there is nothing to do: lookForWork):
 * 1. takes off live_dispatch the live jobs whose outcome is on record, and every so
 *    often queues again the live jobs Redis lost (repair.ts);
 * 2. with Live Sync off (or the integration disabled), drops what the outbox holds (the
 *    daily run sends it) and completes the live runs that are done; nothing more;
 * 3. completes the live runs that take no more jobs and have none left;
 * 4. paces: no more than `maxJobsInFlight` live jobs queued or running at once (below);
 * 5. reads the records whose changes are ready (a burst of edits of one record is one
 *    batch; a record waits while its last batch is in flight), keeps those the daily run
 *    would synchronise today, and their jobs under the live run's settings;
 * 6. leaves for later a record whose daily or Update Learner job is running (it may have
 *    read the MIS before the change), and records as done in the live run a job that a
 *    pending one of those covers (it will read the MIS after the change);
 * 7. queues the rest under fixed ids, marks their run snapshot's other readers done,
 *    records them in the live run, and only then removes the batch from the outbox, in
 *    the same transaction: a relay that dies before its commit leaves the batch to the
 *    next pass, which queues the same ids again (BullMQ keeps one job per id).
 *
 * Pacing. Live jobs join the queues' tail like the daily run's; "Update Learner" jumps
 * ahead of both. However large an import, no more than `maxJobsInFlight` live jobs wait
 * in the queues at once, so a daily run that starts meanwhile has that many ahead of it
 * at most (with the default 200 and a 1,200-a-minute site, well under a minute), and an
 * Update Learner none. Alone, live jobs use the whole budget: the workers never wait for
 * the relay while 200 jobs are queued.
 */

export interface LiveRelayOptions {
  /** How often a pass runs while Live Sync is on. */
  pollMs?: number;
  /** … and while it is off (only to notice it going on, and to complete live runs). */
  idlePollMs?: number;
  /** A record's changes wait until it has had none for this long. */
  quietMs?: number;
  /** … but no longer than this after its first. */
  maxWaitMs?: number;
  /** How long a live run takes new jobs. */
  runWindowMs?: number;
  /** Live jobs queued or running at once. */
  maxJobsInFlight?: number;
  /** A live job queued this long ago and not done is looked for in Redis. */
  repairAfterMs?: number;
  /** How often that look is taken. */
  repairEveryMs?: number;
}

export const LIVE_RELAY_DEFAULTS: Required<LiveRelayOptions> = {
  pollMs: 250,
  idlePollMs: 1_000,
  quietMs: 1_000,
  maxWaitMs: 10_000,
  runWindowMs: 60 * 60_000,
  maxJobsInFlight: 200,
  repairAfterMs: 60_000,
  repairEveryMs: 30_000,
};

export interface LiveRelayDeps {
  db: DataSource;
  producers: Producers;
  logger: Logger;
}

export interface RelayPass {
  /** True when there was nothing to do: no change waiting, no live job in flight, no live run going (no lease is taken then). */
  idle: boolean;
  /** False when another scheduler held the lease (or the pass was idle). */
  leased: boolean;
  /** Live Sync on and the integration enabled. */
  live: boolean;
  /** Jobs queued. */
  queued: number;
  /** Jobs another run's pending job does. */
  covered: number;
  /** Records left for a later pass (a daily or Update Learner job of theirs is running). */
  waiting: number;
  /** Outbox rows dealt with (removed). */
  changes: number;
  /** Live runs completed. */
  closed: string[];
  /** Live jobs queued again after Redis lost them, or their failure recorded. */
  repaired: number;
}

/** pg_try_advisory_xact_lock's key: one relay pass at a time across the deployment. */
export const LIVE_RELAY_LOCK = 0x5a1_0020;

interface PassState {
  lastRepairAt: number;
}

function emptyPass(leased: boolean, live: boolean): RelayPass {
  return { idle: false, leased, live, queued: 0, covered: 0, waiting: 0, changes: 0, closed: [], repaired: 0 };
}

/**
 * Whether Live Sync is on, and whether a pass has anything to do: changes waiting, live
 * jobs in flight, a live run going. One round trip of index probes, so an idle relay
 * costs PostgreSQL next to nothing however often it looks.
 */
async function lookForWork(db: DataSource): Promise<{ live: boolean; work: boolean }> {
  const [row] = (await db.query(
    `SELECT s.live_sync AND s.integration_enabled AS live,
            EXISTS (SELECT 1 FROM live_change) OR EXISTS (SELECT 1 FROM live_dispatch)
              OR EXISTS (SELECT 1 FROM sync_run WHERE trigger = 'live' AND state = 'running') AS work
       FROM integration_settings s WHERE s.id = 1`,
  )) as Array<{ live: boolean; work: boolean }>;
  return row ?? { live: false, work: false };
}

/** One relay pass (see the module's comment). */
export async function relayLiveChanges(deps: LiveRelayDeps, options: LiveRelayOptions = {}, state: PassState = { lastRepairAt: 0 }): Promise<RelayPass> {
  const settings = { ...LIVE_RELAY_DEFAULTS, ...options };
  const { db } = deps;
  const { live, work } = await lookForWork(db);
  if (!work) return { ...emptyPass(false, live), idle: true };
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const [{ leased }] = (await runner.query(`SELECT pg_try_advisory_xact_lock($1) AS leased`, [LIVE_RELAY_LOCK])) as Array<{ leased: boolean }>;
    if (!leased) {
      await runner.rollbackTransaction();
      return emptyPass(false, false);
    }
    const pass = await leasedPass(deps, runner, settings, state);
    await runner.commitTransaction();
    return pass;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

async function leasedPass(deps: LiveRelayDeps, runner: QueryRunner, options: Required<LiveRelayOptions>, state: PassState): Promise<RelayPass> {
  const { db, producers } = deps;
  await finishDispatches(runner.manager);
  const now = await currentRunSettings(runner.manager);
  const pass = emptyPass(true, now.liveSync && now.integrationEnabled);
  // Jobs in flight finish whatever the switch says now: those Redis lost are queued again either way.
  if (Date.now() - state.lastRepairAt >= options.repairEveryMs) {
    pass.repaired = await repairLiveJobs(deps, options.repairAfterMs);
    state.lastRepairAt = Date.now();
  }
  if (!pass.live) {
    pass.changes = await dropChanges(runner.manager);
    pass.closed = await closeLiveRuns(db, null);
    return pass;
  }
  const runSettings = liveRunSettings(now);
  let runId = await acceptingLiveRun(db, runSettings, options.runWindowMs);
  pass.closed = await closeLiveRuns(db, runId);

  // Room is handed out a quarter of the window at a time, so a long backlog reads the outbox every few dozen jobs, not every job.
  const inFlight = await liveJobsInFlight(runner.manager);
  const room = options.maxJobsInFlight - inFlight;
  if (room <= 0 || (inFlight > 0 && room < options.maxJobsInFlight / 4)) return pass;
  const changes = await readyRecords(runner.manager, { quietMs: options.quietMs, maxWaitMs: options.maxWaitMs, limit: room });
  if (changes.length === 0) return pass;
  for (const change of changes.filter((each) => each.unknownJobs.length > 0)) {
    deps.logger.warn('live change names jobs this version does not know; left out', { subjectType: change.subjectType, subjectId: change.subjectId, jobs: change.unknownJobs });
  }
  const records = await liveRecords(db, changes, runSettings, ukToday(new Date()));
  const found = new Set(records.map((record) => record.change));
  // Changes of records the daily run would not synchronise today (gone, ineligible, unlinked) send nothing.
  const done = changes.filter((change) => !found.has(change)).flatMap((change) => change.changeIds);

  const batch = await planBatch(producers, records, room);
  pass.waiting = batch.waiting;
  done.push(...batch.nothingToQueue.flatMap((record) => record.change.changeIds));
  if (batch.records.length > 0) {
    runId ??= await createLiveRun(db, runSettings, new Date());
    const queued = await queueBatch(deps, runId, runSettings, batch);
    await recordDispatches(runner.manager, runId, queued.dispatches);
    await recordCovered(db, runId, queued.covered);
    pass.queued = queued.dispatches.length - queued.covered.length;
    pass.covered = queued.covered.length;
    pass.waiting += queued.retry;
    done.push(...queued.handled.flatMap((record) => record.change.changeIds));
  }
  await removeChanges(runner.manager, done);
  pass.changes = done.length;
  return pass;
}

interface PlannedJob {
  record: LiveRecord;
  subject: RunSubject;
}

interface Batch {
  /** Records with every job either to queue or covered. */
  records: LiveRecord[];
  toQueue: PlannedJob[];
  covered: Array<PlannedJob & { coveringJobId: string }>;
  /** Records found but with no job under the run's settings. */
  nothingToQueue: LiveRecord[];
  waiting: number;
}

/**
 * Which of the records' jobs to queue: as many records as `room` jobs allow, those whose
 * record has no daily or Update Learner job running on any of their queues (they wait),
 * less the jobs such a pending job covers.
 */
async function planBatch(producers: Producers, records: readonly LiveRecord[], room: number): Promise<Batch> {
  const batch: Batch = { records: [], toQueue: [], covered: [], nothingToQueue: [], waiting: 0 };
  const taken: LiveRecord[] = [];
  let jobs = 0;
  for (const record of records) {
    if (record.subjects.length === 0) {
      batch.nothingToQueue.push(record);
      continue;
    }
    if (jobs > 0 && jobs + record.subjects.length > room) break;
    taken.push(record);
    jobs += record.subjects.length;
  }
  const planned = taken.flatMap((record) => record.subjects.map((subject) => ({ record, subject })));
  const others = await otherRunJobs(
    producers.queues,
    planned.map(({ subject }) => subject),
  );
  const running = new Set(planned.filter((_, index) => others[index].state === 'running').map(({ record }) => record));
  batch.waiting = running.size;
  planned.forEach((each, index) => {
    const other = others[index];
    if (running.has(each.record)) return;
    if (other.state === 'pending') batch.covered.push({ ...each, coveringJobId: other.jobId });
    else batch.toQueue.push(each);
  });
  batch.records = taken.filter((record) => !running.has(record));
  return batch;
}

/**
 * Queues a batch's jobs in `runId` and marks the snapshot readers it does not queue as
 * done. Answers what to record, for the records all of whose jobs got their own id: each
 * job with the id that does it (null: covered). A job answered with another id is a live
 * job of the record from a batch the outbox still holds (a relay that died between
 * queuing and its commit, then a new run): its record is tried again next pass.
 */
async function queueBatch(
  deps: LiveRelayDeps,
  runId: string,
  settings: RunSettings,
  batch: Batch,
): Promise<{ dispatches: Dispatch[]; covered: CoveredSubject[]; handled: LiveRecord[]; retry: number }> {
  const jobs = batch.toQueue.map(({ record, subject }) => ({ subject, jobId: liveJobId(runId, subject.kind.name, subject.id, record.change.firstChange) }));
  const answered = await addLiveJobs(deps.producers.queues, runId, jobs);
  const retry = new Set(batch.toQueue.filter((_, index) => answered[index] !== jobs[index].jobId).map(({ record }) => record));
  const handled = batch.records.filter((record) => !retry.has(record));

  const client = await queuesClient(deps.producers.queues);
  await Promise.all(
    handled.flatMap((record) => {
      if (record.saLearnerId === null) return [];
      const queued = batch.toQueue.filter((each) => each.record === record).map((each) => each.subject.kind.name as LiveJobName);
      const snapshot = new LearnerSnapshot(client, runId, record.saLearnerId);
      return snapshotReleases(queued, settings).map((release) => snapshot.release(release.part, release.reader, release.readers));
    }),
  );

  const dispatches: Dispatch[] = [];
  batch.toQueue.forEach(({ record, subject }, index) => {
    if (!retry.has(record)) dispatches.push(dispatchOf(subject, jobs[index].jobId));
  });
  const covered = batch.covered.filter(({ record }) => !retry.has(record));
  for (const { subject } of covered) dispatches.push(dispatchOf(subject, null));
  return { dispatches, covered: covered.map(({ subject, coveringJobId }) => ({ subject, coveringJobId })), handled, retry: retry.size };
}

function dispatchOf(runSubject: RunSubject, jobId: string | null): Dispatch {
  const subject = eventSubject(runSubject);
  return { subjectType: subject.type, subjectId: runSubject.id, queue: runSubject.kind.queue, subjectRef: subject.ref, learnerId: subject.learnerId, jobId };
}

export interface RunningRelay {
  close(): Promise<void>;
}

/** How often a relay that keeps failing (Redis or PostgreSQL away) says so again. */
const FAILURE_LOG_EVERY_MS = 30_000;

/**
 * Runs relay passes one after another, `pollMs` apart while Live Sync is on. A pass that
 * fails (Redis or PostgreSQL away) is logged, at first and then every half minute, and
 * tried again: the outbox keeps the changes until then.
 */
export function startLiveRelay(deps: LiveRelayDeps, options: LiveRelayOptions = {}): RunningRelay {
  const settings = { ...LIVE_RELAY_DEFAULTS, ...options };
  const log = deps.logger.child({ component: 'live-relay' });
  const state: PassState = { lastRepairAt: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let failingSince: number | null = null;
  let loggedAt = 0;

  const pass = async (): Promise<number> => {
    try {
      const result = await relayLiveChanges(deps, options, state);
      if (failingSince !== null) log.info('live relay works again', { failedForMs: Date.now() - failingSince });
      failingSince = null;
      if (result.queued + result.covered + result.repaired > 0) {
        log.debug('live changes relayed', { queued: result.queued, covered: result.covered, waiting: result.waiting, changes: result.changes, repaired: result.repaired });
      }
      for (const runId of result.closed) log.info('live run completed', { runId });
      return result.live ? settings.pollMs : settings.idlePollMs;
    } catch (error) {
      const now = Date.now();
      failingSince ??= now;
      if (now - loggedAt >= FAILURE_LOG_EVERY_MS || loggedAt < failingSince) {
        log.error('live relay pass failed; the outbox keeps the changes', { error });
        loggedAt = now;
      }
      return settings.pollMs;
    }
  };

  const loop = () => {
    if (stopped) return;
    current = pass().then((waitMs) => {
      if (!stopped) timer = setTimeout(loop, waitMs);
    });
  };
  loop();
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
