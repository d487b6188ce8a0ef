import { defineQueue, learnerJob } from './queue-spec.js';

/** Each linked aim's elements done and total come down from the Smart Assessor course. */
export const qualificationProgressQueue = defineQueue('qualification-progress', { attempts: 8, firstRetryMs: 5_000 });

export const learnerProgressJob = learnerJob('qualification-progress', 'learner-progress');
