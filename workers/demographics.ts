import { readOrFailWrongLink, resultOfChanges, skippedResult, startLearnerJob } from '../src/jobs/job-results.js';
import type { Processor } from '../src/jobs/job-contract.js';
import { loadDemographicsLearner } from '../src/daily/mis-records.js';
import { learnerColumnsUpdate } from '../src/daily/mis-writes.js';
import { holdBack, learnerRecord, planLearnerDemographics, planRiskBand, ukToday, validateLearnerForSmartAssessor } from '../src/sync/index.js';

/**
 * SPEC.md §4 demographics: the learner's details pushed or pulled per the Learner
 * Demographics Mode (the ULN only ever pushed), and the risk band from Smart Coach.
 * Both need the SA learner, which the status and learner-employer jobs read too: it
 * comes from the run's snapshot.
 */
export const demographicsProcessor: Processor<'demographics'> = async (job, context, deps) => {
  const start = await startLearnerJob(context, deps, job.data.learnerId, loadDemographicsLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId, snapshot } = start;
  if (settings.learnerDemographicsMode === 'None' && !settings.updateRiskFromSmartCoach) return skippedResult(subject);

  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  const saLearner = await readOrFailWrongLink(record, 'smartAssessorId', saLearnerId, () => snapshot.learner(client));
  const details = planLearnerDemographics(learner, saLearner, settings);
  const risk = planRiskBand(learner, saLearner.smartCoach, settings);

  // Invalid data holds back its own fields only: the other pushes, the pulls and the risk band go on, and the job then fails naming it.
  const problems = validateLearnerForSmartAssessor(learner, { today: ukToday(new Date()), fields: Object.keys(details.saPatch) });
  const sendable = holdBack(details, problems);
  if (Object.keys(sendable.saPatch).length > 0) await client.updateLearner(saLearnerId, sendable.saPatch);

  const changes = [...sendable.changes, ...risk.changes];
  const changed = changes.some((change) => change.direction !== 'kept');
  const misWrites = changed ? learnerColumnsUpdate(learner.id, { ...sendable.misUpdates, ...risk.misUpdates }) : [];
  return resultOfChanges(subject, changes, { heldBack: problems, misWrites });
};
