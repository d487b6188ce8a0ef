import type { LearnerCourse, LearnerCourseUpdate, SmartAssessorApi } from '../src/smart-assessor/types.js';
import { finished, readLinked, startLearnerJob } from '../src/daily/job-results.js';
import { LearnerSnapshot, snapshotReaders } from '../src/daily/learner-snapshot.js';
import { loadStatusLearner } from '../src/daily/mis-records.js';
import { courseTakeoverUpdates } from '../src/daily/mis-writes.js';
import { learnerRecord, planCourseStatuses, planLearnerStatus } from '../src/sync/index.js';
import type { Processor } from './processor.js';

/**
 * SPEC.md §4 status: each linked SA course follows its aim's ILR status, a restart aim
 * takes over the course of the aim it restarts, and the SA learner's status follows the
 * aims and breaks in learning. Only differences are sent. Smart Assessor is written
 * first, then the MIS (the takeovers) with the sync event, then the run's snapshot: a job
 * that dies before its commit is simply repeated (the same PATCHes, which SA applies as
 * before, and the course moves still to do), and its changes are recorded once.
 */
export const statusProcessor: Processor<'status'> = async (job, context, deps) => {
  const start = await startLearnerJob(deps, job.data.learnerId, loadStatusLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId } = start;

  const snapshot = new LearnerSnapshot(deps.redis, job.data.runId, saLearnerId);
  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  const linked = learner.aims.some((aim) => aim.saLearnerCourseId?.trim());
  const [saLearner, courses] = await Promise.all([
    readLinked(record, 'smartAssessorId', saLearnerId, () => snapshot.learner(client)),
    linked ? readLinked(record, 'smartAssessorId', saLearnerId, () => snapshot.courses(client)) : Promise.resolve([] as LearnerCourse[]),
  ]);

  const coursePlan = planCourseStatuses(learner.aims, courses);
  if (coursePlan.missingCourses.length > 0) {
    context.log.warn('linked aims whose Smart Assessor course is not listed', { aims: coursePlan.missingCourses.map((aim) => aim.aimRef) });
  }
  const learnerPlan = planLearnerStatus(learner.learnerIdent, learner, saLearner);

  const writtenCourses = await updateCourses(client, saLearnerId, coursePlan.courseUpdates);
  const writtenLearner = Object.keys(learnerPlan.saPatch).length > 0 ? await client.updateLearner(saLearnerId, learnerPlan.saPatch) : undefined;

  const result = finished(subject, [...coursePlan.changes, ...learnerPlan.changes]);
  if (result.outcome === 'changed') {
    await context.commit(result, courseTakeoverUpdates(coursePlan.takeovers));
  }
  // Only once the changes are on record: a job that dies before then sends them again and records them.
  // Sent at once (one write): a refresh and a release of an entry give the same end in either order.
  snapshot.markDone('learner', 'status', snapshotReaders('learner', settings), context.log);
  snapshot.markDone('courses', 'status', snapshotReaders('courses', settings), context.log);
  await Promise.all([
    writtenCourses.length > 0 ? snapshot.coursesWritten(courses, writtenCourses) : undefined,
    writtenLearner ? snapshot.learnerWritten(writtenLearner) : undefined,
  ]);
  return result;
};

/**
 * The course PATCHes, one per learner course, depend on none of each other: they are sent
 * together rather than one after another (the status job, with one to three, is the
 * run's slowest). The job waits for every answer before it goes on or fails, so none is
 * in flight after it; on a failure it fails as the first failing PATCH did, and its
 * retry, comparing with the run's snapshot, sends them all again (each is idempotent)
 * and records them once.
 */
async function updateCourses(
  client: SmartAssessorApi,
  saLearnerId: string,
  updates: readonly { learnerCourseId: string; patch: LearnerCourseUpdate }[],
): Promise<LearnerCourse[]> {
  const answers = await Promise.allSettled(updates.map((update) => client.updateLearnerCourse(saLearnerId, update.learnerCourseId, update.patch)));
  const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
  if (failed) throw failed.reason;
  return answers.map((answer) => (answer as PromiseFulfilledResult<LearnerCourse>).value);
}
