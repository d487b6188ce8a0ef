import type { DataSource } from 'typeorm';
import type { SettingsPatch } from '../../../src/settings/settings-patch.js';
import type { SimulatorStore } from '../../../tools/simulator/store.js';
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

/** An aim added after enrolment, on a qualification Smart Assessor supports: the run must enrol it exactly once. */
export const NEW_AIM_REF = 'L000020-9';
/** A new officer, unknown to Smart Assessor, who becomes two learners' Main Officer: the run must create their assessor exactly once. */
export const NEW_OFFICER_REF = 'OFF-FAULTS-NEW';

/**
 * Changes since enrolment on both sides: learner details edited in the MIS (pushed),
 * an employer's phone edited in the MIS (pushed), an assessor's phone edited in Smart
 * Assessor (pulled), learners moved to another placement (one linked, one new and
 * shared), enrolment to keep in step (an aim added, a new Main Officer shared by two
 * learners, a second assessor removed, a planned end date and planned OTJ hours revised),
 * then days of activity in Smart Assessor.
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
  await db.query(
    `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, completion_status)
     SELECT $1, l.id, q.id, '2026-09-01', '2027-08-31', 1 FROM learner l, qualification q WHERE l.learner_ident = 'L000020' AND q.reference = '603/5060/7'`,
    [NEW_AIM_REF],
  );
  await db.query(`INSERT INTO officer (ref, first_name, surname, email, phone) VALUES ($1, 'Fay', 'Ultson', 'fay.ultson@provider.example', '0113 496 0888')`, [NEW_OFFICER_REF]);
  await db.query(`UPDATE learner SET main_officer_id = (SELECT id FROM officer WHERE ref = $1) WHERE learner_ident IN ('L000021', 'L000022')`, [NEW_OFFICER_REF]);
  await db.query(`DELETE FROM learner_officer_role WHERE learner_id = (SELECT id FROM learner WHERE learner_ident = 'L000009') AND role = 'Second Assessor'`);
  await db.query(`UPDATE learning_aim SET planned_end_date = planned_end_date + 60 WHERE aim_ref = 'L000019-1'`);
  await db.query(`UPDATE learner SET planned_otj_hours = 330 WHERE learner_ident = 'L000019'`);
  store.updateAssessor(saAssessorId('OFF0001'), { phone: '0113 496 0001' });
  for (let day = 0; day < PROVIDER.daysOfActivity; day += 1) store.advanceDay();
}
