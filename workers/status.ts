import type { SyncSubject } from '../entities/index.js';
import { linkOrCreateAssessor } from '../src/enrolment/index.js';
import { PermanentError } from '../src/failure-kinds.js';
import { isSmartAssessorError } from '../src/smart-assessor/smart-assessor-error.js';
import type { LearnerCourse, LearnerCourseCreate, LearnerCourseUpdate, SmartAssessorApi } from '../src/smart-assessor/types.js';
import type { JobContext, Processor } from '../src/jobs/job-contract.js';
import { readOrFailWrongLink, resultOfChanges, startLearnerJob } from '../src/jobs/job-results.js';
import { loadStatusLearner, type OfficerRecord } from '../src/daily/mis-records.js';
import { courseTakeoverUpdates, learnerCourseLinksSave } from '../src/daily/mis-writes.js';
import {
  combineCourseUpdates,
  courseEnrolledChange,
  learnerAssessorOfficers,
  learnerRecord,
  officerRecord,
  officersToLink,
  placeAims,
  planCourseStatuses,
  planEnrolmentInStep,
  planLearnerStatus,
  validateOfficerForSmartAssessor,
  type LearnerAssessorIds,
  type LearnerAssessorOfficers,
} from '../src/sync/index.js';

/**
 * SPEC.md §4 status: each linked SA course follows its aim's ILR status, a restart aim
 * takes over the course of the aim it restarts, and the SA learner's status follows the
 * aims and breaks in learning. Only differences are sent. Smart Assessor is written
 * first, then the MIS (the takeovers) with the sync event, then the run's snapshot (the
 * runner's): a job that dies before its commit is simply repeated (the same PATCHes,
 * which SA applies as before, and the course moves still to do), and its changes are
 * recorded once.
 *
 * The same job keeps enrolment in step (§4 "status (enrolment in step)"): new supported
 * aims are enrolled, the Main Officer and second-assessor-role holder become the SA
 * learner's and the courses' assessors, and planned end dates follow the aims. It is the
 * job that already reads the SA learner and their courses (through the run's snapshot)
 * and already PATCHes both, so an unchanged learner costs nothing more, and a course's
 * status and its assessors or planned end date go in one PATCH. (The planned OTJ figure
 * goes up from the otj job, which already reads the learner's OTJ hours.)
 *
 * An officer without an Additional ID is linked or created exactly as at enrolment, its id
 * saved (and recorded in the learner's history) at once, so that every learner sharing
 * the officer finds the same assessor. A new course is found by misReference (the aim
 * ref) before it is created and its id saved on the aim with the job's commit: a job
 * killed between the create and the commit finds the course on its retry. The run's
 * snapshot keeps the course list as it was read, so the new course's progress comes down
 * in the next run, whichever order this run's jobs take.
 */
export const statusProcessor: Processor<'status'> = async (job, context, deps) => {
  const start = await startLearnerJob(context, deps, job.data.learnerId, loadStatusLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId, snapshot } = start;

  const officers = learnerAssessorOfficers(learner.mainOfficer, learner.officerRoles, settings.secondAssessorRole);
  const hasCourses = placeAims(learner.aims).some((placement) => placement.state === 'enrolled' || placement.state === 'to-enrol');
  // An officer to create whose details would be refused is held back (SPEC.md §4: invalid data holds back only what it
  // affects): the assessor they would be is left as Smart Assessor has it, and the rest of the job goes on.
  const heldBack = officersToLink(officers, hasCourses).map((officer) => ({ officer, problems: validateOfficerForSmartAssessor(officer) }));
  const unlinked = heldBack.filter(({ problems }) => problems.length === 0).map(({ officer }) => officer);
  const problems = heldBack.flatMap((held) => held.problems);

  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  // Read as well before a first course is created: the run's readers then all see the list as it was.
  const [saLearner, courses] = await Promise.all([
    readOrFailWrongLink(record, 'smartAssessorId', saLearnerId, () => snapshot.learner(client)),
    hasCourses ? readOrFailWrongLink(record, 'smartAssessorId', saLearnerId, () => snapshot.courses(client)) : Promise.resolve([] as LearnerCourse[]),
  ]);
  const assessors = await assessorIds(officers, unlinked, context, client, subject);

  const coursePlan = planCourseStatuses(learner.aims, courses);
  if (coursePlan.missingCourses.length > 0) {
    context.log.warn('linked aims whose Smart Assessor course is not listed', { aims: coursePlan.missingCourses.map((aim) => aim.aimRef) });
  }
  const inStep = planEnrolmentInStep({ learnerIdent: learner.learnerIdent, aims: learner.aims, saLearner, courses, assessors });
  const learnerPlan = planLearnerStatus(learner.learnerIdent, learner, saLearner);
  const learnerPatch = { ...learnerPlan.saPatch, ...inStep.learnerPatch };

  const created = await enrolCourses(client, saLearnerId, inStep.coursesToCreate);
  await updateCourses(client, saLearnerId, combineCourseUpdates(coursePlan.courseUpdates, inStep.courseUpdates)).catch(namingAssessor(officers, assessors));
  if (Object.keys(learnerPatch).length > 0) await client.updateLearner(saLearnerId, learnerPatch).catch(namingAssessor(officers, assessors));

  const createdChanges = created.map(({ aim, learnerCourseId }) => courseEnrolledChange(aim, learnerCourseId));
  const changes = [...coursePlan.changes, ...createdChanges, ...inStep.changes, ...learnerPlan.changes];
  const changed = changes.some((change) => change.direction !== 'kept');
  // The course moves, then the new courses' ids saved on their aims (see saveLearnerCourseLinks).
  const misWrites = changed ? [...courseTakeoverUpdates(coursePlan.takeovers), ...learnerCourseLinksSave(created)] : [];
  return resultOfChanges(subject, changes, { heldBack: problems, misWrites });
};

/** The SA assessor ids of the learner's officers, those without an Additional ID linked or created first (as at enrolment). */
async function assessorIds(
  officers: LearnerAssessorOfficers<OfficerRecord>,
  unlinked: readonly OfficerRecord[],
  context: JobContext<'status'>,
  client: SmartAssessorApi,
  subject: SyncSubject,
): Promise<LearnerAssessorIds> {
  const linkedNow = new Map<string, string>();
  for (const officer of unlinked) {
    const saved = await linkOrCreateAssessor(client, context.saveIssuedId, officer, { subject, jobId: context.jobId, queue: context.queue });
    linkedNow.set(officer.ref, saved.id);
  }
  // An officer not linked here (a secondary assessor of a learner with no course, or one held back) is left as not managed.
  const idOf = (officer: OfficerRecord) => officer.additionalId ?? linkedNow.get(officer.ref);
  return {
    primary: officers.primary ? (idOf(officers.primary) ?? null) : null,
    secondary: officers.secondary === undefined ? undefined : officers.secondary ? idOf(officers.secondary) : null,
  };
}

/**
 * Each new course, found by misReference among the learner's courses before it is
 * created (a 409 answers the one a lost answer made); one after another, as each looks
 * at the learner's list first.
 */
async function enrolCourses<A extends { id: number; aimRef: string }>(
  client: SmartAssessorApi,
  saLearnerId: string,
  creates: readonly { aim: A; body: LearnerCourseCreate }[],
): Promise<Array<{ aim: A; learnerCourseId: string }>> {
  const created: Array<{ aim: A; learnerCourseId: string }> = [];
  for (const { aim, body } of creates) created.push({ aim, learnerCourseId: (await client.ensureLearnerCourse(saLearnerId, body)).id });
  return created;
}

/**
 * The course PATCHes, one per learner course, depend on none of each other: they are sent
 * together rather than one after another (the status job, with one to three, is the
 * run's slowest). The job waits for every answer before it goes on or fails, so none is
 * in flight after it; on a failure it fails as the first failing PATCH did, and its
 * retry, comparing with the run's snapshot, sends them all again (each is idempotent)
 * and records them once.
 */
async function updateCourses(client: SmartAssessorApi, saLearnerId: string, updates: readonly { learnerCourseId: string; patch: LearnerCourseUpdate }[]): Promise<LearnerCourse[]> {
  const answers = await Promise.allSettled(updates.map((update) => client.updateLearnerCourse(saLearnerId, update.learnerCourseId, update.patch)));
  const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
  if (failed) throw failed.reason;
  return answers.map((answer) => (answer as PromiseFulfilledResult<LearnerCourse>).value);
}

/** The officer whose SA assessor id each assessor field of a PATCH carries. */
const ASSESSOR_FIELDS = { assessorId: 'primary', primaryAssessorId: 'primary', secondaryAssessorId: 'secondary' } as const;

/**
 * Smart Assessor refusing an assessor id the MIS holds as an officer's Additional ID
 * means the link is wrong: say which officer holds which id, for an admin to correct.
 */
function namingAssessor(officers: LearnerAssessorOfficers<OfficerRecord>, ids: LearnerAssessorIds): (error: unknown) => never {
  return (error) => {
    if (!isSmartAssessorError(error)) throw error;
    const refused = Object.entries(ASSESSOR_FIELDS).flatMap(([field, role]) => {
      const officer = officers[role];
      return error.details.fields?.[field] && officer ? [`${officerRecord(officer.ref)}: additionalId "${ids[role] ?? ''}"`] : [];
    });
    if (refused.length === 0) throw error;
    throw new PermanentError(`${[...new Set(refused)].join('; ')} is not a Smart Assessor assessor (${error.message}); correct the link in the MIS`);
  };
}
