import type { FieldChange } from '../entities/index.js';
import type { LearnerSyncJob, OrganisationSyncJob } from '../queues/definitions.js';
import { InvalidDataError, PermanentError } from '../src/failure-kinds.js';
import { isSmartAssessorError } from '../src/smart-assessor/smart-assessor-error.js';
import type { Learner } from '../src/smart-assessor/types.js';
import { finished, readLinked, recordGone, skipped, startLearnerJob } from '../src/daily/job-results.js';
import { LearnerSnapshot, snapshotReaders } from '../src/daily/learner-snapshot.js';
import { loadOrganisation, loadPlacementLearner } from '../src/daily/mis-records.js';
import { organisationColumnsUpdate, saveOrganisationAdditionalId } from '../src/daily/mis-writes.js';
import {
  employerCreateBody,
  employerMoveDecision,
  holdBack,
  learnerRecord,
  organisationRecord,
  organisationSubject,
  planOrganisationDemographics,
  validateOrganisationForSmartAssessor,
} from '../src/sync/index.js';
import type { JobContext, JobResult, Processor, WorkerDeps } from './processor.js';

/**
 * SPEC.md §4 organisations: a linked organisation's details per the Organisation
 * Demographics Mode, once per organisation per run ('organisation-details'; invalid data
 * holds back its own fields only); and, with Push Changes to Learner Employer on, the
 * learner's move to their current placement ('learner-employer', once per learner).
 */
export const organisationsProcessor: Processor<'organisations'> = async (job, context, deps) => {
  switch (job.name) {
    case 'organisation-details':
      return organisationDetails(job.data, context, deps);
    case 'learner-employer':
      return learnerEmployer(job.data, context, deps);
  }
};

async function organisationDetails(data: OrganisationSyncJob, context: JobContext<'organisations'>, deps: WorkerDeps): Promise<JobResult> {
  const [organisation, settings] = await Promise.all([loadOrganisation(deps.db, data.organisationId), deps.settings()]);
  if (!organisation) throw recordGone('organisation', data.organisationId);
  const subject = organisationSubject(organisation);
  const employerId = organisation.additionalId;
  if (!organisation.integrationEnabled || settings.organisationDemographicsMode === 'None' || !employerId) return skipped(subject);

  const client = await deps.smartAssessor();
  const employer = await readLinked(organisationRecord(organisation.ref), 'additionalId', employerId, () => client.getEmployer(employerId));
  const plan = planOrganisationDemographics(organisation, employer, settings);
  const problems = validateOrganisationForSmartAssessor(organisation, { fields: Object.keys(plan.saPatch) });
  const sendable = holdBack(plan, problems);
  if (Object.keys(sendable.saPatch).length > 0) await client.updateEmployer(employerId, sendable.saPatch);
  const result = finished(subject, sendable.changes, problems);
  if (Object.keys(sendable.misUpdates).length > 0) {
    await context.commit(result, organisationColumnsUpdate(organisation.id, sendable.misUpdates));
  }
  return result;
}

/**
 * Moves the SA learner to their current placement: linked as it is, or created (find
 * before create by misReference, so a retry or a second learner of the same new
 * organisation finds the one employer) and its id saved as the Additional ID.
 */
async function learnerEmployer(data: LearnerSyncJob, context: JobContext<'organisations'>, deps: WorkerDeps): Promise<JobResult> {
  const start = await startLearnerJob(deps, data.learnerId, loadPlacementLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId } = start;

  const snapshot = new LearnerSnapshot(deps.redis, data.runId, saLearnerId);
  const done = () => snapshot.markDone('learner', 'learner-employer', snapshotReaders('learner', settings), context.log);
  const placement = learner.placement;
  if (!settings.pushChangesToLearnerEmployer || !placement) {
    done();
    return skipped(subject);
  }

  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  const saLearner = await readLinked(record, 'smartAssessorId', saLearnerId, () => snapshot.learner(client));
  const decision = employerMoveDecision({
    pushChangesToLearnerEmployer: settings.pushChangesToLearnerEmployer,
    placementOrganisation: placement,
    saLearnerEmployerId: saLearner.employerId,
  });
  if (decision.action === 'none') {
    done();
    return finished(subject, []);
  }

  const changes: FieldChange[] = [];
  let employerId: string;
  if (decision.action === 'link') {
    employerId = decision.employerId;
  } else {
    const problems = validateOrganisationForSmartAssessor(decision.organisation);
    if (problems.length > 0) throw new InvalidDataError(problems);
    employerId = (await client.ensureEmployer(employerCreateBody(decision.organisation))).id;
    changes.push({ record: organisationRecord(decision.organisation.ref), field: 'additionalId', from: null, to: employerId, direction: 'pull' });
  }
  let moved: Learner | undefined;
  if (employerId !== saLearner.employerId) {
    moved = await client.updateLearner(saLearnerId, { employerId }).catch((error: unknown) => {
      if (isSmartAssessorError(error) && error.details.fields?.employerId) {
        throw new PermanentError(`${organisationRecord(placement.ref)}: additionalId "${employerId}" is not a Smart Assessor employer (${error.message}); correct the link in the MIS`);
      }
      throw error;
    });
    changes.push({ record, field: 'employerId', from: saLearner.employerId, to: employerId, direction: 'push' });
  }

  const result = finished(subject, changes);
  if (result.outcome === 'changed') {
    await context.commit(result, decision.action === 'create-and-link' ? (manager) => saveOrganisationAdditionalId(manager, placement, employerId) : undefined);
  }
  // Only once the move is on record: a job that dies before then moves the learner again and records it.
  // Sent at once (one write): a refresh and a release of an entry give the same end in either order.
  done();
  if (moved) await snapshot.learnerWritten(moved);
  return result;
}
