import type { LearnerCourse } from '../src/smart-assessor/types.js';
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

  const writtenCourses: LearnerCourse[] = [];
  for (const update of coursePlan.courseUpdates) writtenCourses.push(await client.updateLearnerCourse(saLearnerId, update.learnerCourseId, update.patch));
  const writtenLearner = Object.keys(learnerPlan.saPatch).length > 0 ? await client.updateLearner(saLearnerId, learnerPlan.saPatch) : undefined;

  const result = finished(subject, [...coursePlan.changes, ...learnerPlan.changes]);
  if (result.outcome === 'changed') {
    await context.commit(result, courseTakeoverUpdates(coursePlan.takeovers));
  }
  // Only once the changes are on record: a job that dies before then sends them again and records them.
  // Sent at once (one write): a refresh and a release of an entry give the same end in either order.
  await Promise.all([
    writtenCourses.length > 0 ? snapshot.coursesWritten(courses, writtenCourses) : undefined,
    writtenLearner ? snapshot.learnerWritten(writtenLearner) : undefined,
    snapshot.release('learner', 'status', snapshotReaders('learner', settings)),
    snapshot.release('courses', 'status', snapshotReaders('courses', settings)),
  ]);
  return result;
};
