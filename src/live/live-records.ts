import type { DataSource, EntityManager } from 'typeorm';
import type { RunSettings } from '../../entities/index.js';
import type { RunSubject } from '../../queues/producers.js';
import { ELIGIBLE_LEARNER_SQL } from '../runs/run-subjects.js';
import { eligibilityCutoff, type IsoDate } from '../sync/index.js';
import { liveJobKinds } from './live-jobs.js';
import type { ChangedRecord } from './outbox.js';

type Executor = DataSource | EntityManager;

/** A changed record the daily run would synchronise today, with its live jobs. */
export interface LiveRecord {
  change: ChangedRecord;
  /** One per job to queue (none: nothing of the change is sent under these settings). */
  subjects: RunSubject[];
  /** The learner's Smart Assessor id (their run snapshot's key); null for officers and organisations. */
  saLearnerId: string | null;
}

interface Found {
  id: number;
  ref: string;
  sa_learner_id: string | null;
}

/**
 * What the daily run would send for these records today, and nothing else: learners that
 * are eligible (SPEC.md §4); officers and organisations that are linked and serve an
 * eligible learner (Main Officer or second-assessor-role holder; placement), as the
 * daily run picks them. Answers the records found, each with its jobs under `settings`;
 * the others are not there (gone, ineligible, unlinked): their changes send nothing.
 */
export async function liveRecords(executor: Executor, changes: readonly ChangedRecord[], settings: RunSettings, today: IsoDate): Promise<LiveRecord[]> {
  const ids = (type: ChangedRecord['subjectType']) => changes.filter((change) => change.subjectType === type).map((change) => change.subjectId);
  const cutoff = eligibilityCutoff(today);
  const [learners, officers, organisations] = (await Promise.all([
    executor.query(`SELECT l.id, l.learner_ident AS ref, l.smart_assessor_id AS sa_learner_id FROM learner l WHERE l.id = ANY($2::int[]) AND ${ELIGIBLE_LEARNER_SQL}`, [
      cutoff,
      ids('learner'),
    ]),
    executor.query(
      `SELECT o.id, o.ref, NULL AS sa_learner_id FROM officer o
        WHERE o.id = ANY($2::int[]) AND o.additional_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM learner l WHERE ${ELIGIBLE_LEARNER_SQL}
                 AND (l.main_officer_id = o.id
                      OR EXISTS (SELECT 1 FROM learner_officer_role r WHERE r.learner_id = l.id AND r.officer_id = o.id AND r.role = $3::varchar)))`,
      [cutoff, ids('officer'), settings.secondAssessorRole],
    ),
    executor.query(
      `SELECT g.id, g.ref, NULL AS sa_learner_id FROM organisation g
        WHERE g.id = ANY($2::int[]) AND g.additional_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM learner l WHERE l.placement_organisation_id = g.id AND ${ELIGIBLE_LEARNER_SQL})`,
      [cutoff, ids('organisation')],
    ),
  ])) as Found[][];
  const found = new Map<string, Found>();
  for (const [type, rows] of [
    ['learner', learners],
    ['officer', officers],
    ['organisation', organisations],
  ] as const) {
    for (const row of rows) found.set(`${type}:${row.id}`, row);
  }
  return changes.flatMap((change) => {
    const record = found.get(`${change.subjectType}:${change.subjectId}`);
    if (!record) return [];
    const learnerId = change.subjectType === 'learner' ? record.id : null;
    const subjects = liveJobKinds(change.jobs, settings)
      .filter((kind) => kind.subjectType === change.subjectType)
      .map((kind) => ({ kind, id: record.id, ref: record.ref, learnerId }));
    return [{ change, subjects, saLearnerId: record.sa_learner_id }];
  });
}
