import type { DataSource } from 'typeorm';
import type { SettingsPatch } from '../../../src/settings/settings-patch.js';
import type { SimulatorStore } from '../../../src/simulator/store.js';
import { saAssessorId } from '../../support/enrolled-provider.js';

/**
 * The suite's provider: small enough for a case to run in seconds on two cores, and set
 * up so that every queue has work in both directions. Every rig builds exactly this, so
 * a fault-free run and a run under fire start from the same place.
 */
export const PROVIDER = {
  learners: 24,
  generatorSeed: 5,
  simulatorSeed: 11,
  settings: {
    learnerDemographicsMode: 'Push',
    officerDemographicsMode: 'Pull',
    organisationDemographicsMode: 'Push',
    updateRiskFromSmartCoach: true,
    pushChangesToLearnerEmployer: true,
  } satisfies SettingsPatch,
  /** Simulated days of Smart Assessor activity (sessions, progress, OTJ hours, Smart Coach scores). */
  daysOfActivity: 6,
};

/** A new placement two learners share: the run must create it in Smart Assessor exactly once. */
export const NEW_ORGANISATION_REF = 'ORG-FAULTS-NEW';

/**
 * Changes since enrolment on both sides: learner details edited in the MIS (pushed),
 * an employer's phone edited in the MIS (pushed), an assessor's phone edited in Smart
 * Assessor (pulled), learners moved to another placement (one linked, one new and
 * shared), then days of activity in Smart Assessor.
 */
export async function prepareStartState(db: DataSource, store: SimulatorStore): Promise<void> {
  for (const [index, ident] of ['L000001', 'L000003', 'L000008'].entries()) {
    await db.query(`UPDATE learner SET email = $2, mobile = $3 WHERE learner_ident = $1`, [ident, `${ident.toLowerCase()}.updated@example.org`, `07700 900${120 + index}`]);
  }
  await db.query(`UPDATE organisation SET phone = '0113 496 0500' WHERE ref = 'ORG00001'`);
  await db.query(
    `INSERT INTO organisation (ref, name, phone, address1, address4, postcode, employer_size)
     VALUES ($1, 'Faults Fabrication Limited', '0113 496 0777', '1 Resilience Way', 'Leeds', 'LS1 4AP', '50-249')`,
    [NEW_ORGANISATION_REF],
  );
  await db.query(`UPDATE learner SET placement_organisation_id = (SELECT id FROM organisation WHERE ref = $1) WHERE learner_ident IN ('L000011', 'L000012')`, [
    NEW_ORGANISATION_REF,
  ]);
  await db.query(`UPDATE learner SET placement_organisation_id = (SELECT id FROM organisation WHERE ref = 'ORG00003') WHERE learner_ident = 'L000013'`);
  store.updateAssessor(saAssessorId('OFF0001'), { phone: '0113 496 0001' });
  for (let day = 0; day < PROVIDER.daysOfActivity; day += 1) store.advanceDay();
}
