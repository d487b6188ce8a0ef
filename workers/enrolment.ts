import type { JobResult, Processor } from '../src/jobs/job-contract.js';
import { skippedResult } from '../src/jobs/job-results.js';
import { enrolLearner } from '../src/enrolment/enrol-learner.js';
import { recordHistory } from '../src/enrolment/history.js';
import { subjectOf } from '../src/runs/outcomes.js';
import { ukToday } from '../src/sync/index.js';

/**
 * 'enrol-learner': the learner, their employer, assessor(s), supported qualifications and
 * planned OTJ hours into Smart Assessor (SPEC.md §3), under the settings as they are when
 * the job starts; skipped while the integration is disabled. Safe to run twice or to
 * resume after dying halfway: see enrolLearner.
 */
export const enrolmentProcessor: Processor<'enrolment'> = async (job, context, deps) => {
  const settings = await deps.settings();
  if (!settings.integrationEnabled) return skippedResult(await subjectOf(deps.db, { type: 'learner', id: job.data.learnerId }));
  const outcome = await enrolLearner(job.data.learnerId, {
    db: deps.db,
    smartAssessor: () => deps.smartAssessor(),
    settings,
    jobId: context.jobId,
    log: context.log,
    today: ukToday(new Date()),
  });
  const { skippedAims } = outcome;
  const result: JobResult = { subject: outcome.subject, outcome: outcome.changed ? 'changed' : 'unchanged', changes: outcome.changes };
  if (skippedAims.length === 0) return result;
  return {
    ...result,
    misWrites: [
      async (manager) => {
        for (const entry of skippedAims) await recordHistory(manager, entry);
      },
    ],
  };
};
