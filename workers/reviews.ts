import type { Processor } from '../src/jobs/job-contract.js';
import { readOrFailWrongLink, resultOfChanges, skippedResult, startLearnerJob } from '../src/jobs/job-results.js';
import { loadOfficersByAdditionalId, loadReviewsLearner } from '../src/daily/mis-records.js';
import { reviewsSave } from '../src/daily/mis-writes.js';
import { reviewIdentFor } from '../src/daily/review-idents.js';
import { learnerRecord, planReviews, reviewTypeFor } from '../src/sync/index.js';

/**
 * SPEC.md §4 reviews: SA sessions of a mapped type become MIS reviews, matched on
 * Smart Assessor System ID; new ones are created, existing ones follow their session
 * (where the session has a blank, the review keeps its value, and the sync event says
 * so), none is ever deleted.
 */
export const reviewsProcessor: Processor<'reviews'> = async (job, context, deps) => {
  const start = await startLearnerJob(context, deps, job.data.learnerId, loadReviewsLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId } = start;
  const mappings = settings.reviewTypeMappings ?? {};
  const anyMapped = Object.values(mappings).some((code) => typeof code === 'string' && code.trim() !== '');
  // With no session type mapped every session would be ignored: no need to ask for them.
  if (!anyMapped) return skippedResult(subject);

  const client = await deps.smartAssessor();
  const sessions = await readOrFailWrongLink(learnerRecord(learner.learnerIdent), 'smartAssessorId', saLearnerId, () => client.listLearnerSessions(saLearnerId));
  const mapped = sessions.filter((session) => reviewTypeFor(session.sessionType, mappings) !== null);

  // A session's assessor is nearly always an officer already loaded; only a stranger costs a query.
  const known = new Set(learner.officers.map((officer) => officer.additionalId?.trim()).filter(Boolean));
  const strangers = [...new Set(mapped.map((session) => session.assessorId?.trim() ?? '').filter((id) => id !== '' && !known.has(id)))];
  const officers = [...learner.officers, ...(await loadOfficersByAdditionalId(deps.db, strangers))];

  const plan = planReviews({
    sessions: mapped,
    reviews: learner.reviews,
    reviewTypeMappings: mappings,
    officers,
    newReviewIdent: (session) => reviewIdentFor(learner.learnerIdent, session.id),
  });
  // The commit locks the learner first: two jobs for one learner write their reviews one after the other.
  return resultOfChanges(subject, plan.changes, { misWrites: reviewsSave(learner, plan.creates, plan.updates) });
};
