/**
 * Job ids and deduplication ids. A run's job id is fixed by the run, the job and the
 * subject, so adding it again (a resumed fan-out, the reconciler) can never make a second
 * job. BullMQ refuses ids that are whole numbers or hold ":", so the parts are joined by ".".
 */

export function runJobId(runId: string, jobName: string, subjectId: number): string {
  return `${runId}.${jobName}.${subjectId}`;
}

/** A learner's "sync again" within the same run needs an id of its own: the first job may still be kept as completed. */
export function repeatJobId(runId: string, jobName: string, subjectId: number, tag: string): string {
  return `${runId}.${jobName}.${subjectId}.again-${tag}`;
}

/**
 * Per queue (BullMQ keeps deduplication keys per queue): one pending job per subject and
 * job name. A dry run's jobs have keys of their own: a real job must never be left to a
 * dry run's, which writes nothing, nor a dry run's would-be changes to a real job.
 */
export function subjectDeduplicationId(jobName: string, subjectId: number, dryRun = false): string {
  return dryRun ? `dry-run.${jobName}.${subjectId}` : `${jobName}.${subjectId}`;
}

export function fanOutJobId(runId: string): string {
  return `fan-out.${runId}`;
}

/** One pending enrolment per learner. */
export function enrolmentDeduplicationId(learnerId: number): string {
  return `enrol-learner.${learnerId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs, onboarding matches and enrolment batches are named by UUIDs; anything else names none (and is never sent to PostgreSQL as one). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
