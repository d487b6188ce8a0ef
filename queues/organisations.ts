import { defineQueue, learnerJob, type RunJobKind } from './queue-spec.js';

/** Organisation details once per record per run; moving a learner to a new employer once per learner. */
export const organisationsQueue = defineQueue('organisations', { attempts: 8, firstRetryMs: 5_000 });

export const organisationDetailsJob: RunJobKind<'organisations', 'organisation-details'> = {
  queue: 'organisations',
  name: 'organisation-details',
  subjectType: 'organisation',
  payload: (runId, organisationId) => ({ runId, organisationId }),
};

/** Only added when Push Changes to Learner Employer is on. */
export const learnerEmployerJob = learnerJob('organisations', 'learner-employer');
