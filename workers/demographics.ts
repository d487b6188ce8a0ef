import { finished, readLinked, skipped, startLearnerJob } from '../src/daily/job-results.js';
import { LearnerSnapshot, snapshotReaders } from '../src/daily/learner-snapshot.js';
import { loadDemographicsLearner } from '../src/daily/mis-records.js';
import { learnerColumnsUpdate } from '../src/daily/mis-writes.js';
import { holdBack, learnerRecord, planLearnerDemographics, planRiskBand, ukToday, validateLearnerForSmartAssessor } from '../src/sync/index.js';
import type { Processor } from './processor.js';

/**
 * SPEC.md §4 demographics: the learner's details pushed or pulled per the Learner
 * Demographics Mode (the ULN only ever pushed), and the risk band from Smart Coach.
 * Both need the SA learner, which the status and learner-employer jobs read too: it
 * comes from the run's snapshot.
 */
export const demographicsProcessor: Processor<'demographics'> = async (job, context, deps) => {
  const start = await startLearnerJob(deps, job.data.learnerId, loadDemographicsLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId } = start;

  const snapshot = new LearnerSnapshot(deps.redis, job.data.runId, saLearnerId);
  const done = () => snapshot.markDone('learner', 'demographics', snapshotReaders('learner', settings), context.log);
  if (settings.learnerDemographicsMode === 'None' && !settings.updateRiskFromSmartCoach) {
    done();
    return skipped(subject);
  }

  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  const saLearner = await readLinked(record, 'smartAssessorId', saLearnerId, () => snapshot.learner(client));
  const details = planLearnerDemographics(learner, saLearner, settings);
  const risk = planRiskBand(learner, saLearner.smartCoach, settings);

  // Invalid data holds back its own fields only: the other pushes, the pulls and the risk band go on, and the job then fails naming it.
  const problems = validateLearnerForSmartAssessor(learner, { today: ukToday(new Date()), fields: Object.keys(details.saPatch) });
  const sendable = holdBack(details, problems);
  const written = Object.keys(sendable.saPatch).length > 0 ? await client.updateLearner(saLearnerId, sendable.saPatch) : undefined;

  const misUpdates = { ...sendable.misUpdates, ...risk.misUpdates };
  const result = finished(subject, [...sendable.changes, ...risk.changes], problems);
  if (result.outcome === 'changed') {
    await context.commit(result, learnerColumnsUpdate(learner.id, misUpdates));
  }
  // Only once the change is on record: a job that dies before then sends it again and records it.
  // Sent at once (one write): a refresh and a release of an entry give the same end in either order.
  done();
  if (written) await snapshot.learnerWritten(written);
  return result;
};
