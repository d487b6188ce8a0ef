import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { seedLearner, seedOfficer, seedOrganisation } from '../../support/pipeline.js';

/** What the database records in live_change as the MIS tables change (migration 1797800000000-live-sync). */
describe('live sync capture', function () {
  let db: DataSource;
  let learner: number;
  let unenrolled: number;
  let officer: number;
  let otherOfficer: number;
  let organisation: number;
  let otherOrganisation: number;

  /** The outbox as (subject, jobs) pairs, then emptied for the next step. */
  async function captured(): Promise<Array<[string, string[]]>> {
    const rows = (await db.query(`DELETE FROM live_change RETURNING id, subject_type, subject_id, jobs`)) as [
      Array<{ id: string; subject_type: string; subject_id: number; jobs: string[] }>,
      number,
    ];
    return rows[0].sort((a, b) => Number(a.id) - Number(b.id)).map((row) => [`${row.subject_type}:${row.subject_id}`, [...row.jobs].sort()]);
  }

  const settings = (values: Record<string, unknown>) =>
    db.query(
      `UPDATE integration_settings SET ${Object.keys(values)
        .map((column, index) => `${column} = $${index + 1}`)
        .join(', ')} WHERE id = 1`,
      Object.values(values),
    );

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    officer = await seedOfficer(db, 'OFF1');
    otherOfficer = await seedOfficer(db, 'OFF2');
    organisation = await seedOrganisation(db, 'ORG1');
    otherOrganisation = await seedOrganisation(db, 'ORG2');
    await db.query(`UPDATE officer SET additional_id = 'asr-' || ref WHERE id = $1`, [officer]);
    await db.query(`UPDATE organisation SET additional_id = 'emp-' || ref WHERE id = $1`, [organisation]);
    learner = await seedLearner(db, { ident: 'L1', mainOfficerId: officer, placementOrganisationId: organisation, roles: [{ role: 'IQA', officerId: otherOfficer }] });
    unenrolled = await seedLearner(db, { ident: 'L2', smartAssessorId: null, mainOfficerId: officer });
    await settings({ live_sync: true, learner_demographics_mode: 'Push', second_assessor_role: 'Second Assessor', push_changes_to_learner_employer: true });
    await captured();
  });

  it('records nothing while Live Sync is off or the integration disabled', async function () {
    await settings({ live_sync: false });
    await db.query(`UPDATE learner SET email = 'new@example.org', planned_otj_hours = 100 WHERE id = $1`, [learner]);
    await db.query(`INSERT INTO break_in_learning (learner_id, last_day_in_learning) VALUES ($1, '2025-01-31')`, [learner]);
    expect(await captured()).to.deep.equal([]);
    await settings({ live_sync: true, integration_enabled: false });
    await db.query(`UPDATE learner SET email = 'newer@example.org' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([]);
  });

  it("records a learner's details for the demographics job while the mode pushes them, and the ULN in Pull mode too", async function () {
    await db.query(`UPDATE learner SET email = 'new@example.org', postcode = 'LS1 4AP' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([[`learner:${learner}`, ['learner-demographics']]]);
    await settings({ learner_demographics_mode: 'Pull' });
    await db.query(`UPDATE learner SET email = 'pulled@example.org', surname = 'Pulled' WHERE id = $1`, [learner]);
    expect(await captured(), 'a Pull writes details: no echo').to.deep.equal([]);
    await db.query(`UPDATE learner SET uln = '9276308686' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([[`learner:${learner}`, ['learner-demographics']]]);
    await settings({ learner_demographics_mode: 'None' });
    await db.query(`UPDATE learner SET email = 'none@example.org', uln = '1111111111' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([]);
  });

  it('records gender only with Update Learner Gender on', async function () {
    await db.query(`UPDATE learner SET gender = 'Female' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([]);
    await settings({ update_learner_gender: true });
    await db.query(`UPDATE learner SET gender = 'Male' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([[`learner:${learner}`, ['learner-demographics']]]);
  });

  it('records the Main Officer, planned OTJ and placement for the status, OTJ and employer jobs, and a status change for all four', async function () {
    await db.query(`UPDATE learner SET main_officer_id = $2 WHERE id = $1`, [learner, otherOfficer]);
    await db.query(`UPDATE learner SET planned_otj_hours = 300 WHERE id = $1`, [learner]);
    await db.query(`UPDATE learner SET placement_organisation_id = $2 WHERE id = $1`, [learner, otherOrganisation]);
    await db.query(`UPDATE learner SET system_status = 'Archived' WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([
      [`learner:${learner}`, ['learner-status']],
      [`learner:${learner}`, ['learner-otj']],
      [`learner:${learner}`, ['learner-employer']],
      [`learner:${learner}`, ['learner-demographics', 'learner-employer', 'learner-otj', 'learner-status']],
    ]);
    await settings({ push_changes_to_learner_employer: false });
    await db.query(`UPDATE learner SET placement_organisation_id = $2 WHERE id = $1`, [learner, organisation]);
    expect(await captured()).to.deep.equal([]);
  });

  it('ignores what the synchronisation writes itself: OTJ hours, risk band, last synced, last error, links, elements, course links', async function () {
    await db.query(
      `UPDATE learner SET actual_otj_hours = 12.5, risk_band = 'Red', last_synced_at = now(), last_error = 'x', smart_assessor_id = 'SA-NEW', updated_at = now() WHERE id = $1`,
      [learner],
    );
    await db.query(`UPDATE learning_aim SET elements_done = 3, elements_total = 10, sa_learner_course_id = 'lc-1' WHERE learner_id = $1`, [learner]);
    await db.query(`UPDATE officer SET additional_id = 'asr-OFF2' WHERE id = $1`, [otherOfficer]);
    await db.query(`UPDATE organisation SET additional_id = 'emp-ORG2' WHERE id = $1`, [otherOrganisation]);
    await db.query(`UPDATE learner SET email = email, planned_otj_hours = planned_otj_hours WHERE id = $1`, [learner]);
    expect(await captured()).to.deep.equal([]);
  });

  it('records aims, breaks and the second-assessor role for the status job, of enrolled learners only', async function () {
    const [{ id: aim }] = (await db.query(`SELECT id FROM learning_aim WHERE learner_id = $1`, [learner])) as Array<{ id: number }>;
    await db.query(`UPDATE learning_aim SET completion_status = 2, outcome = 1, actual_end_date = '2026-01-31' WHERE id = $1`, [aim]);
    await db.query(`UPDATE learning_aim SET planned_end_date = '2031-01-01' WHERE learner_id = $1`, [unenrolled]);
    expect(await captured()).to.deep.equal([[`learner:${learner}`, ['learner-status']]]);

    await db.query(`INSERT INTO break_in_learning (learner_id, last_day_in_learning) VALUES ($1, '2025-01-31'), ($2, '2025-01-31')`, [learner, unenrolled]);
    await db.query(`UPDATE break_in_learning SET return_date = '2025-03-01' WHERE learner_id = $1`, [learner]);
    await db.query(`DELETE FROM break_in_learning WHERE learner_id = $1`, [learner]);
    await db.query(`DELETE FROM learning_aim WHERE id = $1`, [aim]);
    expect(await captured()).to.deep.equal([
      [`learner:${learner}`, ['learner-status']],
      [`learner:${learner}`, ['learner-status']],
      [`learner:${learner}`, ['learner-status']],
      [`learner:${learner}`, ['learner-status']],
    ]);

    await db.query(`UPDATE learner_officer_role SET officer_id = $2 WHERE learner_id = $1 AND role = 'IQA'`, [learner, officer]);
    expect(await captured(), 'a role that is not the second assessor role').to.deep.equal([]);
    await db.query(`INSERT INTO learner_officer_role (learner_id, role, officer_id) VALUES ($1, 'Second Assessor', $2)`, [learner, otherOfficer]);
    await db.query(`UPDATE learner_officer_role SET officer_id = $2 WHERE learner_id = $1 AND role = 'Second Assessor'`, [learner, officer]);
    await db.query(`DELETE FROM learner_officer_role WHERE learner_id = $1`, [learner]);
    expect(await captured()).to.deep.equal([
      [`learner:${learner}`, ['learner-status']],
      [`learner:${learner}`, ['learner-status']],
      [`learner:${learner}`, ['learner-status']],
    ]);
  });

  it('records a new enrolled learner for all four jobs, an unenrolled one for none', async function () {
    const enrolled = await seedLearner(db, { ident: 'L3', aimEnds: [] });
    await seedLearner(db, { ident: 'L4', smartAssessorId: null, aimEnds: [] });
    expect(await captured()).to.deep.equal([[`learner:${enrolled}`, ['learner-demographics', 'learner-employer', 'learner-otj', 'learner-status']]]);
  });

  it("records linked officers' and organisations' details while their mode pushes them", async function () {
    await db.query(`UPDATE officer SET email = 'new.off1@provider.example' WHERE id IN ($1, $2)`, [officer, otherOfficer]);
    await db.query(`UPDATE organisation SET phone = '0113 496 0001' WHERE id IN ($1, $2)`, [organisation, otherOrganisation]);
    expect(await captured(), 'modes None').to.deep.equal([]);
    await settings({ officer_demographics_mode: 'Push', organisation_demographics_mode: 'Push' });
    await db.query(`UPDATE officer SET email = 'newer.off1@provider.example' WHERE id IN ($1, $2)`, [officer, otherOfficer]);
    await db.query(`UPDATE organisation SET phone = '0113 496 0002' WHERE id IN ($1, $2)`, [organisation, otherOrganisation]);
    expect(await captured(), 'the unlinked ones are not').to.deep.equal([
      [`officer:${officer}`, ['officer-details']],
      [`organisation:${organisation}`, ['organisation-details']],
    ]);
    await settings({ officer_demographics_mode: 'Pull', organisation_demographics_mode: 'Pull' });
    await db.query(`UPDATE officer SET email = 'pulled.off1@provider.example' WHERE id = $1`, [officer]);
    await db.query(`UPDATE organisation SET phone = '0113 496 0003' WHERE id = $1`, [organisation]);
    expect(await captured(), 'a Pull writes details: no echo').to.deep.equal([]);
  });
});
