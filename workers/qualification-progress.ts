import { finished, readLinked, skipped, startLearnerJob } from '../src/daily/job-results.js';
import { LearnerSnapshot, snapshotReaders } from '../src/daily/learner-snapshot.js';
import { linkedAfterTakeovers } from '../src/daily/course-links.js';
import { loadProgressLearner } from '../src/daily/mis-records.js';
import { aimProgressUpdate } from '../src/daily/mis-writes.js';
import { learnerRecord, planQualificationProgress } from '../src/sync/index.js';
import type { Processor } from './processor.js';

/** SPEC.md §4 qualification progress: each linked aim's elements done and total := its SA course's progress. */
export const qualificationProgressProcessor: Processor<'qualification-progress'> = async (job, context, deps) => {
  const start = await startLearnerJob(deps, job.data.learnerId, loadProgressLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId } = start;

  const snapshot = new LearnerSnapshot(deps.redis, job.data.runId, saLearnerId);
  const done = () => snapshot.markDone('courses', 'qualification-progress', snapshotReaders('courses', settings), context.log);
  const linked = linkedAfterTakeovers(learner.aims);
  if (linked.length === 0) {
    done();
    return skipped(subject);
  }

  const client = await deps.smartAssessor();
  const courses = await readLinked(learnerRecord(learner.learnerIdent), 'smartAssessorId', saLearnerId, () => snapshot.courses(client));
  const plan = planQualificationProgress(linked, courses);
  if (plan.missingCourses.length > 0) {
    context.log.warn('linked aims whose Smart Assessor course is not listed', { aims: plan.missingCourses.map((aim) => aim.aimRef) });
  }
  const result = finished(subject, plan.changes);
  if (plan.updates.length > 0) await context.commit(result, aimProgressUpdate(plan.updates));
  done();
  return result;
};
