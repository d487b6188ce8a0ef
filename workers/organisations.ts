import type { FieldChange } from '../entities/index.js';
import type { LearnerSyncJob, OrganisationSyncJob } from '../queues/definitions.js';
import { InvalidDataError, PermanentError } from '../src/failure-kinds.js';
import { isSmartAssessorError } from '../src/smart-assessor/smart-assessor-error.js';
import type { JobContext, JobResult, Processor, WorkerDeps } from '../src/jobs/job-contract.js';
import { readOrFailWrongLink, recordGone, resultOfChanges, skippedResult, startLearnerJob } from '../src/jobs/job-results.js';
import { loadOrganisation, loadPlacementLearner } from '../src/daily/mis-records.js';
import { organisationAdditionalIdSave, organisationColumnsUpdate } from '../src/daily/mis-writes.js';
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

/**
 * SPEC.md §4 organisations: a linked organisation's details per the Organisation
 * Demographics Mode, once per organisation per run ('organisation-details'; invalid data
 * holds back its own fields only); and, with Push Changes to Learner Employer on, the
 * learner's move to their current placement ('learner-employer', once per learner).
 */
export const organisationsProcessor: Processor<'organisations'> = async (job, context, deps) => {
  switch (job.name) {
    case 'organisation-details':
      return organisationDetails(job.data, deps);
    case 'learner-employer':
      return learnerEmployer(job.data, context, deps);
  }
};

async function organisationDetails(data: OrganisationSyncJob, deps: WorkerDeps): Promise<JobResult> {
  const [organisation, settings] = await Promise.all([loadOrganisation(deps.db, data.organisationId), deps.settings()]);
  if (!organisation) throw recordGone('organisation', data.organisationId);
  const subject = organisationSubject(organisation);
  const employerId = organisation.additionalId;
  if (!organisation.integrationEnabled || settings.organisationDemographicsMode === 'None' || !employerId) return skippedResult(subject);

  const client = await deps.smartAssessor();
  const employer = await readOrFailWrongLink(organisationRecord(organisation.ref), 'additionalId', employerId, () => client.getEmployer(employerId));
  const plan = planOrganisationDemographics(organisation, employer, settings);
  const problems = validateOrganisationForSmartAssessor(organisation, { fields: Object.keys(plan.saPatch) });
  const sendable = holdBack(plan, problems);
  if (Object.keys(sendable.saPatch).length > 0) await client.updateEmployer(employerId, sendable.saPatch);
  return resultOfChanges(subject, sendable.changes, { heldBack: problems, misWrites: organisationColumnsUpdate(organisation.id, sendable.misUpdates) });
}

/**
 * Moves the SA learner to their current placement: linked as it is, or created (find
 * before create by misReference, so a retry or a second learner of the same new
 * organisation finds the one employer) and its id saved as the Additional ID.
 */
async function learnerEmployer(data: LearnerSyncJob, context: JobContext<'organisations'>, deps: WorkerDeps): Promise<JobResult> {
  const start = await startLearnerJob(context, deps, data.learnerId, loadPlacementLearner);
  if ('skipped' in start) return start.skipped;
  const { learner, subject, settings, saLearnerId, snapshot } = start;
  const placement = learner.placement;
  if (!settings.pushChangesToLearnerEmployer || !placement) return skippedResult(subject);

  const client = await deps.smartAssessor();
  const record = learnerRecord(learner.learnerIdent);
  const saLearner = await readOrFailWrongLink(record, 'smartAssessorId', saLearnerId, () => snapshot.learner(client));
  const decision = employerMoveDecision({
    pushChangesToLearnerEmployer: settings.pushChangesToLearnerEmployer,
    placementOrganisation: placement,
    saLearnerEmployerId: saLearner.employerId,
  });
  if (decision.action === 'none') return resultOfChanges(subject, []);

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
  if (employerId !== saLearner.employerId) {
    await client.updateLearner(saLearnerId, { employerId }).catch((error: unknown) => {
      if (isSmartAssessorError(error) && error.details.fields?.employerId) {
        throw new PermanentError(
          `${organisationRecord(placement.ref)}: additionalId "${employerId}" is not a Smart Assessor employer (${error.message}); correct the link in the MIS`,
        );
      }
      throw error;
    });
    changes.push({ record, field: 'employerId', from: saLearner.employerId, to: employerId, direction: 'push' });
  }

  // Smart Assessor's employer is saved as the placement's Additional ID with the job's commit.
  return resultOfChanges(subject, changes, { misWrites: decision.action === 'create-and-link' ? organisationAdditionalIdSave(placement, employerId) : [] });
}
