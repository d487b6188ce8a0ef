import type { DataSource } from 'typeorm';
import { Learner } from '../../entities/index.js';
import type { Producers } from '../../queues/producers.js';
import { LearnerNotFoundError } from '../runs/run-refusals.js';
import { requireIntegrationEnabled } from '../settings/integration-switch.js';
import { AlreadyEnrolledError } from './enrolment-refusals.js';
import { presentId } from './smart-assessor-ids.js';

/**
 * POST /api/learners/{ident}/enrolment: queues the learner's enrolment and answers the id
 * of the job that will do it (a request while one is pending answers that job). Throws
 * LearnerNotFoundError for an unknown Learner Ident, IntegrationDisabledError while the
 * integration is disabled and AlreadyEnrolledError when the learner has a Smart Assessor
 * ID. Nothing is sent to Smart Assessor here.
 */
export async function requestEnrolment(db: DataSource, producers: Pick<Producers, 'enqueueEnrolment'>, learnerIdent: string): Promise<{ jobId: string }> {
  const learner = await db.getRepository(Learner).findOne({ where: { learnerIdent }, select: { id: true, learnerIdent: true, smartAssessorId: true } });
  if (!learner) throw new LearnerNotFoundError(learnerIdent);
  await requireIntegrationEnabled(db, 'enrolment');
  const smartAssessorId = presentId(learner.smartAssessorId);
  if (smartAssessorId) throw new AlreadyEnrolledError(learner.learnerIdent, smartAssessorId);
  return { jobId: await producers.enqueueEnrolment(learner.id) };
}
