import type { DataSource } from 'typeorm';
import type { FieldChange, IntegrationSettings, Learner, Officer, Organisation, SyncSubject } from '../../entities/index.js';
import { InvalidDataError, PermanentError } from '../failure-kinds.js';
import type { Logger } from '../logging/logger.js';
import { isSmartAssessorError } from '../smart-assessor/smart-assessor-error.js';
import type { SmartAssessorApi } from '../smart-assessor/types.js';
import { aimRecord, employerCreateBody, learnerCourseCreateBody, learnerCreateBody, learnerRecord, learnerSubject, type IsoDate } from '../sync/index.js';
import { planEnrolment } from './enrolment-plan.js';
import { loadEnrolmentRecords, type EnrolmentAimRecord } from './enrolment-records.js';
import { ENROLMENT_QUEUE, type HistoryEntry } from './history.js';
import { issuedIdSaver, linkOrCreateAssessor, saveSmartAssessorId, type SavedLink } from './save-link.js';
import {
  AIM_LEARNER_COURSE_ID,
  LEARNER_SMART_ASSESSOR_ID,
  OFFICER_ADDITIONAL_ID,
  ORGANISATION_ADDITIONAL_ID,
  presentId,
  type SmartAssessorIdColumn,
} from './smart-assessor-ids.js';

export interface EnrolmentDeps {
  db: DataSource;
  /** Asked for only once the data has passed validation: invalid data sends nothing, not even a token request. */
  smartAssessor(): Promise<SmartAssessorApi>;
  settings: Pick<IntegrationSettings, 'secondAssessorRole' | 'sendLearnerWelcomeEmail' | 'setStudentIdToLrn' | 'updateLearnerGender'>;
  jobId: string | null;
  log: Logger;
  /** The UK date, for "date of birth in the past". */
  today: IsoDate;
}

export interface EnrolmentOutcome {
  subject: SyncSubject;
  /** This attempt created, linked or set something. */
  changed: boolean;
  /**
   * Changes still to record with the outcome. Each saved Smart Assessor id has already
   * been recorded, with its save, the moment it was known.
   */
  changes: FieldChange[];
  /** The aims skipped (Smart Assessor does not support their qualification, or a restart aim supersedes them), to record with the outcome. */
  skippedAims: HistoryEntry[];
}

/**
 * SPEC.md §3 for one learner. Everything is validated before anything is sent; every id
 * the MIS already holds is confirmed with Smart Assessor before anything is created; then
 * the employer, the assessor(s), the learner and each supported aim's course are linked or
 * created in that order, each found by misReference before it is created and saved on its
 * MIS record as soon as it is known. Run again after a failure at any point, it picks up
 * from the saved ids and creates nothing twice.
 */
export async function enrolLearner(learnerId: number, deps: EnrolmentDeps): Promise<EnrolmentOutcome> {
  const records = await loadEnrolmentRecords(deps.db.manager, { learnerId }, deps.settings.secondAssessorRole);
  if (!records) throw new PermanentError(`There is no learner with id ${learnerId} to enrol`);
  const plan = planEnrolment(records, deps.today);
  const { learner, placementOrganisation: organisation, mainOfficer } = records;
  // A missing placement or Main Officer is among the problems; the second test only narrows the types.
  if (plan.problems.length > 0 || !organisation || !mainOfficer) throw new InvalidDataError(plan.problems);

  const client = await deps.smartAssessor();
  const subject = learnerSubject(learner);
  const officers = plan.secondAssessor ? [mainOfficer, plan.secondAssessor] : [mainOfficer];
  await confirmHeldIds(client, organisation, officers, learner);

  let changed = false;
  const kept = (saved: SavedLink): string => {
    changed ||= saved.savedNow;
    return saved.id;
  };
  const save = async (target: SmartAssessorIdColumn, record: { id: number; key: string }, value: string): Promise<string> =>
    kept(await saveSmartAssessorId(deps.db, target, record, value, { subject, jobId: deps.jobId }));

  const employerId =
    presentId(organisation.additionalId) ??
    (await save(ORGANISATION_ADDITIONAL_ID, { id: organisation.id, key: organisation.ref }, (await client.ensureEmployer(employerCreateBody(organisation))).id));
  const assessorIdOf = async (officer: Officer): Promise<string> => kept(await linkOrCreateAssessor(client, issuedIdSaver(deps.db), officer, { subject, jobId: deps.jobId }));
  const assessorId = await assessorIdOf(mainOfficer);
  const secondaryAssessorId = plan.secondAssessor ? await assessorIdOf(plan.secondAssessor) : null;

  const saLearnerId =
    presentId(learner.smartAssessorId) ??
    (await save(
      LEARNER_SMART_ASSESSOR_ID,
      { id: learner.id, key: learner.learnerIdent },
      (await client.ensureLearner(learnerCreateBody(learner, { employerId, assessorId }, deps.settings))).id,
    ));
  deps.log.info('enrolment: learner linked', { learnerIdent: learner.learnerIdent, employerId, assessorId, secondaryAssessorId, smartAssessorId: saLearnerId });

  for (const { aim, courseId } of plan.aimsToEnrol) {
    const body = learnerCourseCreateBody(aim, { courseId, primaryAssessorId: assessorId, secondaryAssessorId });
    await save(AIM_LEARNER_COURSE_ID, { id: aim.id, key: aim.aimRef }, (await client.ensureLearnerCourse(saLearnerId, body)).id);
  }

  const otj = await setPlannedOtj(client, learner, saLearnerId);
  return {
    subject,
    changed: changed || otj !== null,
    changes: otj ? [otj] : [],
    skippedAims: [
      skippedAimsEntry(plan.aimsUnsupported, 'because Smart Assessor does not support the qualification', subject, deps.jobId),
      skippedAimsEntry(plan.aimsSuperseded, 'because a later aim restarts it', subject, deps.jobId),
    ].filter((entry) => entry !== null),
  };
}

/** SA ids held on the MIS records must be ones Smart Assessor knows: a wrong one is for a person to correct, before anything is created. */
async function confirmHeldIds(client: SmartAssessorApi, organisation: Organisation, officers: readonly Officer[], learner: Learner): Promise<void> {
  const employerId = presentId(organisation.additionalId);
  if (employerId) await confirmKnown(`${ORGANISATION_ADDITIONAL_ID.describe(organisation.ref)} has Additional ID ${employerId}`, () => client.getEmployer(employerId));
  for (const officer of officers) {
    const assessorId = presentId(officer.additionalId);
    if (assessorId) await confirmKnown(`${OFFICER_ADDITIONAL_ID.describe(officer.ref)} has Additional ID ${assessorId}`, () => client.getAssessor(assessorId));
  }
  const learnerId = presentId(learner.smartAssessorId);
  if (learnerId) await confirmKnown(`${learnerRecord(learner.learnerIdent)} has Smart Assessor ID ${learnerId}`, () => client.getLearner(learnerId));
}

async function confirmKnown(held: string, lookUp: () => Promise<unknown>): Promise<void> {
  try {
    await lookUp();
  } catch (error) {
    if (isSmartAssessorError(error) && error.kind === 'not-found') throw new PermanentError(`${held}, which Smart Assessor does not know: correct or clear it`);
    throw error;
  }
}

/** Planned OTJ hours, sent when Smart Assessor holds a different number; a blank is never sent. */
async function setPlannedOtj(client: SmartAssessorApi, learner: Learner, saLearnerId: string): Promise<FieldChange | null> {
  const planned = learner.plannedOtjHours;
  if (planned === null) return null;
  const current = await client.getLearnerOtj(saLearnerId);
  if (current.plannedHours === planned) return null;
  await client.setLearnerPlannedOtj(saLearnerId, planned);
  return { record: learnerRecord(learner.learnerIdent), field: 'plannedOtjHours', from: current.plannedHours, to: planned, direction: 'push' };
}

/** One event for the aims skipped for one reason; a superseded aim names the restart aim it gave way to. */
function skippedAimsEntry(
  skipped: ReadonlyArray<EnrolmentAimRecord | { aim: EnrolmentAimRecord; by: EnrolmentAimRecord }>,
  reason: string,
  subject: SyncSubject,
  jobId: string | null,
): HistoryEntry | null {
  if (skipped.length === 0) return null;
  const listed = skipped
    .map((entry) => {
      const [aim, by] = 'by' in entry ? [entry.aim, entry.by] : [entry, null];
      const described = `${aimRecord(aim.aimRef)} (${aim.qualification.reference} ${aim.qualification.title})`;
      return by ? `${described} superseded by restart aim ${by.aimRef}` : described;
    })
    .join('; ');
  return {
    queue: ENROLMENT_QUEUE,
    subject,
    jobId,
    outcome: 'skipped',
    changes: [],
    error: `Not enrolled on a Smart Assessor course, ${reason}: ${listed}`,
  };
}
