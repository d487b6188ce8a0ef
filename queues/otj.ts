import { defineQueue, learnerJob } from './queue-spec.js';

/** Actual off-the-job hours come down from Smart Assessor. */
export const otjQueue = defineQueue('otj', { attempts: 8, firstRetryMs: 5_000 });

export const learnerOtjJob = learnerJob('otj', 'learner-otj');
