import { defineQueue } from './queue-spec.js';

/**
 * Enrolment creates records in Smart Assessor, each looked up before it is made, so a
 * retry is safe; it is worth trying for longer than a daily job, which runs again tomorrow.
 */
export const enrolmentQueue = defineQueue('enrolment', { attempts: 10, firstRetryMs: 10_000 });

export function enrolmentDeduplicationId(learnerId: number): string {
  return `enrol-learner.${learnerId}`;
}
