import type { Processor } from '../src/jobs/job-contract.js';
import { readOrFailWrongLink, resultOfChanges, skippedResult, startLearnerJob } from '../src/jobs/job-results.js';
import { linkedAfterTakeovers } from '../src/daily/course-links.js';
import { loadProgressLearner } from '../src/daily/mis-records.js';
import { aimProgressUpdate } from '../src/daily/mis-writes.js';
import { learnerRecord, planQualificationProgress } from '../src/sync/index.js';

/** SPEC.md §4 qualification progress: each linked aim's elements done and total := its SA course's progress. */
export const qualificationProgressProcessor: Processor<'qualification-progress'> = async (job, context, deps) => {
  const start = await startLearnerJob(context, deps, job.data.learnerId, loadProgressLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, saLearnerId, snapshot } = start;
  const linked = linkedAfterTakeovers(learner.aims);
  if (linked.length === 0) return skippedResult(subject);

  const client = await deps.smartAssessor();
  const courses = await readOrFailWrongLink(learnerRecord(learner.learnerIdent), 'smartAssessorId', saLearnerId, () => snapshot.courses(client));
  const plan = planQualificationProgress(linked, courses);
  if (plan.missingCourses.length > 0) {
    context.log.warn('linked aims whose Smart Assessor course is not listed', { aims: plan.missingCourses.map((aim) => aim.aimRef) });
  }
  return resultOfChanges(subject, plan.changes, { misWrites: aimProgressUpdate(plan.updates) });
};
