import { defineQueue, learnerJob } from './queue-spec.js';

/** The learner's details go up or come down per the Learner Demographics Mode. */
export const demographicsQueue = defineQueue('demographics', { attempts: 8, firstRetryMs: 5_000 });

export const learnerDemographicsJob = learnerJob('demographics', 'learner-demographics');
