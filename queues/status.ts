import { defineQueue, learnerJob } from './queue-spec.js';

/** Course and learner status follow the ILR (completion status, outcome, breaks in learning). */
export const statusQueue = defineQueue('status', { attempts: 8, firstRetryMs: 5_000 });

export const learnerStatusJob = learnerJob('status', 'learner-status');
