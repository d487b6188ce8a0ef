import { InvalidDataError } from '../src/errors.js';
import { finished, readLinked, recordGone, skipped } from '../src/daily/job-results.js';
import { loadOfficer } from '../src/daily/mis-records.js';
import { officerColumnsUpdate } from '../src/daily/mis-writes.js';
import { officerRecord, officerSubject, planOfficerDemographics, validateOfficerForSmartAssessor } from '../src/sync/index.js';
import type { Processor } from './processor.js';

/**
 * SPEC.md §4 officers: a linked officer's details pushed or pulled per the Officer
 * Demographics Mode. One job per officer per run, however many learners share them, so
 * their SA assessor is read once per run.
 */
export const officersProcessor: Processor<'officers'> = async (job, context, deps) => {
  const officer = await loadOfficer(deps.db, job.data.officerId);
  if (!officer) throw recordGone('officer', job.data.officerId);
  const subject = officerSubject(officer);
  const settings = await deps.settings();
  const assessorId = officer.additionalId;
  if (!settings.integrationEnabled || settings.officerDemographicsMode === 'None' || !assessorId) return skipped(subject);

  const client = await deps.smartAssessor();
  const assessor = await readLinked(officerRecord(officer.ref), 'additionalId', assessorId, () => client.getAssessor(assessorId));
  const plan = planOfficerDemographics(officer, assessor, settings);
  const pushed = Object.keys(plan.saPatch);
  if (pushed.length > 0) {
    const problems = validateOfficerForSmartAssessor(officer, { fields: pushed });
    if (problems.length > 0) throw new InvalidDataError(problems);
    await client.updateAssessor(assessorId, plan.saPatch);
  }
  const result = finished(subject, plan.changes);
  if (Object.keys(plan.misUpdates).length > 0) await context.commit(result, officerColumnsUpdate(officer.id, plan.misUpdates));
  return result;
};
