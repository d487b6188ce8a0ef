import type { Processor } from '../src/jobs/job-contract.js';
import { readOrFailWrongLink, recordGone, resultOfChanges, skippedResult } from '../src/jobs/job-results.js';
import { loadOfficer } from '../src/daily/mis-records.js';
import { officerColumnsUpdate } from '../src/daily/mis-writes.js';
import { holdBack, officerRecord, officerSubject, planOfficerDemographics, validateOfficerForSmartAssessor } from '../src/sync/index.js';

/**
 * SPEC.md §4 officers: a linked officer's details pushed or pulled per the Officer
 * Demographics Mode (invalid data holds back its own fields only). One job per officer
 * per run, however many learners share them, so their SA assessor is read once per run.
 */
export const officersProcessor: Processor<'officers'> = async (job, _context, deps) => {
  const [officer, settings] = await Promise.all([loadOfficer(deps.db, job.data.officerId), deps.settings()]);
  if (!officer) throw recordGone('officer', job.data.officerId);
  const subject = officerSubject(officer);
  const assessorId = officer.additionalId;
  if (!officer.integrationEnabled || settings.officerDemographicsMode === 'None' || !assessorId) return skippedResult(subject);

  const client = await deps.smartAssessor();
  const assessor = await readOrFailWrongLink(officerRecord(officer.ref), 'additionalId', assessorId, () => client.getAssessor(assessorId));
  const plan = planOfficerDemographics(officer, assessor, settings);
  const problems = validateOfficerForSmartAssessor(officer, { fields: Object.keys(plan.saPatch) });
  const sendable = holdBack(plan, problems);
  if (Object.keys(sendable.saPatch).length > 0) await client.updateAssessor(assessorId, sendable.saPatch);
  return resultOfChanges(subject, sendable.changes, { heldBack: problems, misWrites: officerColumnsUpdate(officer.id, sendable.misUpdates) });
};
