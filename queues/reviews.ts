import { defineQueue, learnerJob } from './queue-spec.js';

/** Smart Assessor sessions become (or update) the learner's reviews. */
export const reviewsQueue = defineQueue('reviews', { attempts: 8, firstRetryMs: 5_000 });

export const learnerReviewsJob = learnerJob('reviews', 'learner-reviews');
