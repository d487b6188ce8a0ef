import type { RunSettings, SubjectType } from '../../entities/index.js';
import { learnerEmployerJob, officerDetailsJob, organisationDetailsJob, runJobKind, type AnyRunJobKind, type QueueName } from '../../queues/definitions.js';
import { subjectDeduplicationId } from '../../queues/job-ids.js';
import { snapshotReaders, type SnapshotPart, type SnapshotReader } from '../daily/learner-snapshot.js';

/**
 * Which jobs a live change calls for, under which settings and ids: the rules of live
 * sync (SPEC.md §6) that need no I/O.
 *
 * Only the push side is ever queued live: the details per the demographics modes, the
 * status job (aims, breaks, the learner's status, and enrolment kept in step: new aims,
 * assessors, planned end dates), the OTJ job (the planned figure) and the employer move.
 * Progress and reviews only come down, so they are never queued live; and a live run
 * records its settings with `pushOnly`, under which the jobs it does queue pull nothing
 * either (no details in Pull mode, no risk band, no actual OTJ hours): what comes down
 * comes down at night or with Update Learner, as before.
 */

/** The job names the capture triggers write (migration 1797800000000-live-sync), and the jobs they are. */
export const LIVE_JOB_KINDS = {
  'learner-demographics': runJobKind('demographics', 'learner-demographics'),
  'learner-status': runJobKind('status', 'learner-status'),
  'learner-otj': runJobKind('otj', 'learner-otj'),
  'learner-employer': learnerEmployerJob,
  'officer-details': officerDetailsJob,
  'organisation-details': organisationDetailsJob,
} as const satisfies Record<string, AnyRunJobKind>;

export type LiveJobName = keyof typeof LIVE_JOB_KINDS;

export function isLiveJobName(name: string): name is LiveJobName {
  return Object.hasOwn(LIVE_JOB_KINDS, name);
}

export type LiveJobSettings = Pick<RunSettings, 'learnerDemographicsMode' | 'officerDemographicsMode' | 'organisationDemographicsMode' | 'pushChangesToLearnerEmployer'>;

/**
 * Whether the run's settings send anything through `name`: the learner's details in Push
 * mode (in Pull mode the ULN, which only ever goes up), officers' and organisations'
 * details in Push mode, the employer move when Push Changes to Learner Employer is on;
 * status and OTJ always (the status rules and enrolment kept in step). A change captured
 * under other settings is judged by the settings its run works under.
 */
export function isSentLive(name: LiveJobName, settings: LiveJobSettings): boolean {
  switch (name) {
    case 'learner-demographics':
      return settings.learnerDemographicsMode !== 'None';
    case 'learner-employer':
      return settings.pushChangesToLearnerEmployer;
    case 'officer-details':
      return settings.officerDemographicsMode === 'Push';
    case 'organisation-details':
      return settings.organisationDemographicsMode === 'Push';
    case 'learner-status':
    case 'learner-otj':
      return true;
  }
}

/** The jobs to queue for a record's changes (their job names together), in a fixed order. */
export function liveJobKinds(names: Iterable<LiveJobName>, settings: LiveJobSettings): AnyRunJobKind[] {
  const wanted = new Set(names);
  return (Object.keys(LIVE_JOB_KINDS) as LiveJobName[]).filter((name) => wanted.has(name) && isSentLive(name, settings)).map((name) => LIVE_JOB_KINDS[name]);
}

/** The kind of a queued live job, from its queue and whom it is about (live_dispatch keeps those). */
export function liveKindOf(queue: string, subjectType: SubjectType): AnyRunJobKind | undefined {
  return Object.values(LIVE_JOB_KINDS).find((kind) => kind.queue === queue && kind.subjectType === subjectType);
}

/** The settings a live run records: the settings of now, with nothing pulled. */
export function liveRunSettings(settings: RunSettings): RunSettings {
  return { ...settings, pushOnly: true };
}

/**
 * A live job's id: fixed by the run, the job, the record and the record's first change
 * in the batch (its outbox id). A relay that dies after queuing and before removing the
 * batch reads the same rows again and queues the same ids, which BullMQ takes as the
 * jobs already there; a later batch of the same record has later rows, so a new id.
 */
export function liveJobId(runId: string, jobName: string, subjectId: number, firstChange: string): string {
  return `${runId}.${jobName}.${subjectId}.live-${firstChange}`;
}

/**
 * Live jobs deduplicate among themselves, apart from the daily run's and Update
 * Learner's jobs. Sharing their ids would let a pending live job stand in for the daily
 * job of the same record, which pulls too; the relay looks at those jobs itself instead.
 */
export function liveDeduplicationId(jobName: string, subjectId: number): string {
  return `live.${subjectDeduplicationId(jobName, subjectId)}`;
}

/** The reader each live learner job is of the run's snapshot (src/daily/learner-snapshot.ts). */
const SNAPSHOT_READER: Partial<Record<LiveJobName, SnapshotReader>> = {
  'learner-demographics': 'demographics',
  'learner-status': 'status',
  'learner-employer': 'learner-employer',
};

export interface SnapshotRelease {
  part: SnapshotPart;
  reader: SnapshotReader;
  /** Every reader of the part under the run's settings. */
  readers: SnapshotReader[];
}

/**
 * A learner's Smart Assessor reads are kept per run and learner until every reader job
 * of the run has marked them done (the daily run queues them all). A live batch queues
 * some of them, so it marks the others done itself: the entry then goes as soon as the
 * queued readers are done, and the learner's next batch in the same run reads Smart
 * Assessor afresh. Progress (a reader of the courses) is never queued live.
 */
export function snapshotReleases(queued: readonly LiveJobName[], settings: Pick<RunSettings, 'pushChangesToLearnerEmployer'>): SnapshotRelease[] {
  const readersQueued = new Set(queued.map((name) => SNAPSHOT_READER[name]).filter((reader) => reader !== undefined));
  const releases: SnapshotRelease[] = [];
  for (const part of ['learner', 'courses'] as const) {
    const readers = snapshotReaders(part, settings);
    if (!readers.some((reader) => readersQueued.has(reader))) continue;
    for (const reader of readers) if (!readersQueued.has(reader)) releases.push({ part, reader, readers });
  }
  return releases;
}

/** The queues a live learner job can be on: a learner is new to a run when none of these has an outcome for them yet. */
export const LIVE_LEARNER_QUEUES: readonly QueueName[] = [
  ...new Set(
    Object.values(LIVE_JOB_KINDS)
      .filter((kind) => kind.subjectType === 'learner')
      .map((kind) => kind.queue),
  ),
];
