import type { DataSource } from 'typeorm';
import type { RunSettings } from '../../entities/index.js';
import type { Producers, RunSubject, UrgentJob } from '../../queues/producers.js';
import { refuseWhileDisabled } from '../settings/integration-switch.js';
import { currentRunSettings } from '../settings/run-settings.js';
import { isBlank, ukToday } from '../sync/index.js';
import { recordCovered, recordNotRunHere } from './outcomes.js';
import { finishLearnerRunFanOut, joinOrCreateLearnerRun, settleRun } from './run-lifecycle.js';
import { LearnerNotFoundError, NotEnrolledError } from './run-refusals.js';
import { oneLearnerSubjects } from './run-subjects.js';

/**
 * Queues one job of a learner run ahead of the backlog and settles the run accounting
 * that the queue's answer implies: a backlog job taken over is recorded as done in its
 * own run; a shared record left to another run's job is recorded as done in this one.
 */
export async function queueLearnerRunJob(db: DataSource, producers: Producers, runId: string, subject: RunSubject, repeatTag?: string): Promise<UrgentJob> {
  const job = await producers.addUrgentJob(runId, subject, repeatTag);
  for (const taken of job.tookOver) {
    await recordNotRunHere(db, taken.runId, taken.jobId, subject, `"Update Learner In Smart Assessor" ran it first (run ${runId}, job ${job.jobId})`);
  }
  if (job.coveredBy) await recordCovered(db, runId, [{ subject, coveringJobId: job.coveredBy.jobId }]);
  return job;
}

/**
 * The learner a one-learner sync (Update Learner, or its preview) is for, with the settings
 * as they are now and the jobs it takes under them: refused while the integration is
 * disabled (IntegrationDisabledError), for an unknown learner (LearnerNotFoundError) and
 * for one not enrolled (NotEnrolledError).
 */
export async function oneLearnerSync(db: DataSource, learnerIdent: string, what: string): Promise<{ learnerId: number; settings: RunSettings; subjects: RunSubject[] }> {
  const [learner] = (await db.query(`SELECT id, smart_assessor_id FROM learner WHERE learner_ident = $1`, [learnerIdent])) as Array<{
    id: number;
    smart_assessor_id: string | null;
  }>;
  if (!learner) throw new LearnerNotFoundError(learnerIdent);
  const settings = await currentRunSettings(db);
  refuseWhileDisabled(settings, what);
  if (isBlank(learner.smart_assessor_id)) throw new NotEnrolledError(learnerIdent);
  return { learnerId: learner.id, settings, subjects: await oneLearnerSubjects(db, learner.id, settings) };
}

/**
 * "Update Learner In Smart Assessor" for one enrolled learner, whatever their eligibility:
 * every per-learner job plus their officers' and placement's, ahead of the daily backlog,
 * under the settings as they are now (recorded on the run). A request while the learner's
 * previous one is still going under the same settings joins that run, so repeated clicks
 * collapse; a job of it that is running then runs once more afterwards. Refused
 * (IntegrationDisabledError) while the integration is disabled.
 */
export async function requestLearnerSync(db: DataSource, producers: Producers, learnerIdent: string, options: { now?: Date } = {}): Promise<{ runId: string; jobIds: string[] }> {
  const { learnerId, settings, subjects } = await oneLearnerSync(db, learnerIdent, '"Update Learner In Smart Assessor"');
  const asOfDate = ukToday(options.now ?? new Date());

  const { runId, joined } = await joinOrCreateLearnerRun(db, learnerId, settings, asOfDate, subjects.length);

  const repeatTag = joined ? Date.now().toString(36) : undefined;
  const jobIds: string[] = [];
  for (const subject of subjects) {
    jobIds.push((await queueLearnerRunJob(db, producers, runId, subject, repeatTag)).jobId);
  }
  await finishLearnerRunFanOut(db, runId);
  await settleRun(db, runId);
  return { runId, jobIds };
}
