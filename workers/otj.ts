import type { Processor } from '../src/jobs/job-contract.js';
import { readOrFailWrongLink, resultOfChanges, startLearnerJob } from '../src/jobs/job-results.js';
import { loadOtjLearner } from '../src/daily/mis-records.js';
import { learnerColumnsUpdate } from '../src/daily/mis-writes.js';
import { InvalidDataError } from '../src/failure-kinds.js';
import { learnerRecord, plannedOtjHoursProblem, planOtjHours, planPlannedOtj } from '../src/sync/index.js';

/**
 * SPEC.md §4 OTJ: the learner's actual OTJ hours := SA `actualHours`; and, keeping
 * enrolment in step, SA's planned hours := the MIS's planned OTJ figure when they differ
 * (never a blank). Both live in the one OTJ record this job already reads, so an
 * unchanged learner costs no call more. Like the officers job it reads SA directly, not
 * through the run's snapshot (it is the record's only reader): a job that dies between
 * the PUT and its commit finds SA already holding the figure when it runs again, so the
 * figure is right but that push goes unrecorded.
 */
export const otjProcessor: Processor<'otj'> = async (job, context, deps) => {
  const start = await startLearnerJob(context, deps, job.data.learnerId, loadOtjLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId } = start;

  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  const otj = await readOrFailWrongLink(record, 'smartAssessorId', saLearnerId, () => client.getLearnerOtj(saLearnerId));
  const planned = planPlannedOtj(learner, otj);
  if (planned.plannedHours !== undefined) {
    const problem = plannedOtjHoursProblem(planned.plannedHours);
    if (problem) throw new InvalidDataError([{ record, field: 'plannedOtjHours', value: planned.plannedHours, reason: problem }]);
    await client.setLearnerPlannedOtj(saLearnerId, planned.plannedHours);
  }
  const plan = planOtjHours(learner, otj, settings);
  return resultOfChanges(subject, [...plan.changes, ...planned.changes], { misWrites: learnerColumnsUpdate(learner.id, plan.misUpdates) });
};
