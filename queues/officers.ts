import { defineQueue, type RunJobKind } from './queue-spec.js';

/** One job per officer per run, however many learners share them. */
export const officersQueue = defineQueue('officers', { attempts: 8, firstRetryMs: 5_000 });

export const officerDetailsJob: RunJobKind<'officers', 'officer-details'> = {
  queue: 'officers',
  name: 'officer-details',
  subjectType: 'officer',
  payload: (runId, officerId) => ({ runId, officerId }),
};
