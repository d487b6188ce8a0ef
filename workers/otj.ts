import { finished, readLinked, startLearnerJob } from '../src/daily/job-results.js';
import { loadOtjLearner } from '../src/daily/mis-records.js';
import { learnerColumnsUpdate } from '../src/daily/mis-writes.js';
import { learnerRecord, planOtjHours } from '../src/sync/index.js';
import type { Processor } from './processor.js';

/** SPEC.md §4 OTJ: the learner's actual OTJ hours := SA `actualHours`. */
export const otjProcessor: Processor<'otj'> = async (job, context, deps) => {
  const start = await startLearnerJob(deps, job.data.learnerId, loadOtjLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, saLearnerId } = start;

  const client = await deps.smartAssessor();
  const otj = await readLinked(learnerRecord(learner.learnerIdent), 'smartAssessorId', saLearnerId, () => client.getLearnerOtj(saLearnerId));
  const plan = planOtjHours(learner, otj);
  const result = finished(subject, plan.changes);
  if (plan.changes.length > 0) await context.commit(result, learnerColumnsUpdate(learner.id, plan.misUpdates));
  return result;
};
