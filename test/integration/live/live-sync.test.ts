import { expect } from 'chai';
import { importDocument } from '../../../src/import/import-document.js';
import { fanOutRun, startRun } from '../../../src/runs/index.js';
import { saEmployerId } from '../../support/enrolled-provider.js';
import { silentLogger, waitFor } from '../../support/pipeline.js';
import { learnerPicker, type LearnerPick } from '../daily/harness.js';
import { learnerByIdent, readMis } from '../daily/mis-state.js';
import { openLiveHarness, type LiveHarness } from './live-harness.js';

/** SPEC.md §6 Live sync end to end: the database captures, the relay queues, the workers send. */
describe('live sync', function () {
  let harness: LiveHarness;
  let freshLearner: LearnerPick;

  before(async function () {
    this.timeout(120_000);
    harness = await openLiveHarness({ learners: 40, seed: 11 });
    freshLearner = learnerPicker(harness.db);
    await harness.startWorkers();
    // Smart Assessor in step with the MIS first: what a live job then sends is the edit and nothing else.
    await harness.runDaily();
    harness.startRelay();
  });

  beforeEach(async function () {
    await harness.settings.update({ liveSync: true, learnerDemographicsMode: 'Push', officerDemographicsMode: 'None', organisationDemographicsMode: 'None' });
    await harness.liveSettled();
    harness.simulator.store.resetCounters();
  });

  after(async function () {
    await harness?.close();
  });

  const sa = () => harness.simulator.store;
  const liveRuns = async () => (await harness.db.query(`SELECT id, state, jobs_total, jobs_completed, jobs_failed FROM sync_run WHERE trigger = 'live'`)) as Array<{ id: string }>;

  it('sends an email edited by a plain SQL UPDATE from another program, with no run started', async function () {
    const learner = await freshLearner();
    const runsBefore = (await harness.db.query(`SELECT count(*)::int AS runs FROM sync_run WHERE trigger <> 'live'`))[0].runs;
    await harness.sql(`UPDATE learner SET email = $1 WHERE id = $2`, ['amira.live@example.org', learner.id]);

    await waitFor('the new email in Smart Assessor', async () => sa().learners.get(learner.smartAssessorId!)?.email === 'amira.live@example.org');
    expect(harness.learnerWrites(learner.smartAssessorId!)).to.deep.equal([{ email: 'amira.live@example.org' }]);
    const [{ runs }] = await harness.db.query(`SELECT count(*)::int AS runs FROM sync_run WHERE trigger <> 'live'`);
    expect(runs, 'no daily, manual or learner run started').to.equal(runsBefore);
    await harness.liveSettled();
    const [event] = await harness.db.query(
      `SELECT e.outcome, e.changes FROM sync_event e JOIN sync_run r ON r.id = e.run_id WHERE r.trigger = 'live' AND e.subject_ref = $1 AND e.queue = 'demographics'`,
      [learner.learnerIdent],
    );
    expect(event.outcome).to.equal('changed');
    expect(event.changes).to.deep.equal([{ record: `learner ${learner.learnerIdent}`, field: 'email', from: learner.email, to: 'amira.live@example.org', direction: 'push' }]);
  });

  it('sends a burst of 100 edits to one learner as one Smart Assessor write', async function () {
    const learner = await freshLearner();
    for (let edit = 1; edit <= 100; edit += 1) await harness.sql(`UPDATE learner SET email = $1 WHERE id = $2`, [`burst.${edit}@example.org`, learner.id]);

    await waitFor('the last email in Smart Assessor', async () => sa().learners.get(learner.smartAssessorId!)?.email === 'burst.100@example.org');
    await harness.liveSettled();
    expect(harness.learnerWrites(learner.smartAssessorId!)).to.deep.equal([{ email: 'burst.100@example.org' }]);
    const [{ jobs }] = await harness.db.query(`SELECT count(*)::int AS jobs FROM sync_event e JOIN sync_run r ON r.id = e.run_id WHERE r.trigger = 'live' AND e.subject_ref = $1`, [
      learner.learnerIdent,
    ]);
    expect(jobs, 'one job').to.equal(1);
  });

  it('sends aims, breaks, planned OTJ and the Main Officer through the status and OTJ jobs', async function () {
    const learner = await freshLearner();
    const [aim] = (await harness.db.query(`SELECT id, aim_ref, sa_learner_course_id FROM learning_aim WHERE learner_id = $1 AND sa_learner_course_id IS NOT NULL LIMIT 1`, [
      learner.id,
    ])) as Array<{ id: number; aim_ref: string; sa_learner_course_id: string }>;
    await harness.sql(`UPDATE learning_aim SET planned_end_date = planned_end_date + 30 WHERE id = $1`, [aim.id]);
    await harness.sql(`UPDATE learner SET planned_otj_hours = 333 WHERE id = $1`, [learner.id]);
    await harness.sql(`INSERT INTO break_in_learning (learner_id, last_day_in_learning) VALUES ($1, current_date - 3)`, [learner.id]);
    const [officer] = (await harness.db.query(`SELECT o.id, o.additional_id FROM officer o WHERE o.additional_id IS NOT NULL AND o.id <> $1 ORDER BY o.id LIMIT 1`, [
      learner.mainOfficerId,
    ])) as Array<{ id: number; additional_id: string }>;
    await harness.sql(`UPDATE learner SET main_officer_id = $2 WHERE id = $1`, [learner.id, officer.id]);

    const [{ planned }] = (await harness.db.query(`SELECT planned_end_date::text AS planned FROM learning_aim WHERE id = $1`, [aim.id])) as Array<{ planned: string }>;
    await waitFor('the changes in Smart Assessor', async () => {
      const record = sa().learners.get(learner.smartAssessorId!)!;
      const course = record.courses.find((each) => each.id === aim.sa_learner_course_id);
      return record.plannedOtjHours === 333 && record.status === 'BreakInLearning' && course?.plannedEndDate === planned && record.assessorId === officer.additional_id;
    });
    await harness.liveSettled();
    const events = (await harness.db.query(
      `SELECT e.queue, e.outcome FROM sync_event e JOIN sync_run r ON r.id = e.run_id WHERE r.trigger = 'live' AND e.subject_ref = $1 ORDER BY e.queue`,
      [learner.learnerIdent],
    )) as Array<{ queue: string; outcome: string }>;
    expect(events).to.deep.equal([
      { queue: 'otj', outcome: 'changed' },
      { queue: 'status', outcome: 'changed' },
    ]);
  });

  it('with Live Sync off records nothing and sends nothing', async function () {
    await harness.settings.update({ liveSync: false });
    const learner = await freshLearner();
    await harness.stopRelay();
    try {
      await harness.sql(`UPDATE learner SET email = 'off@example.org', planned_otj_hours = 123 WHERE id = $1`, [learner.id]);
      const [{ changes }] = await harness.db.query(`SELECT count(*)::int AS changes FROM live_change`);
      expect(changes).to.equal(0);
      const pass = await harness.relayOnce();
      expect(pass).to.include({ live: false, queued: 0, covered: 0 });
      expect(sa().recorded).to.deep.equal([]);
      expect(sa().learners.get(learner.smartAssessorId!)?.email).to.not.equal('off@example.org');
    } finally {
      harness.startRelay();
    }
  });

  it("sends an officer's details in Push mode, and nothing of a learner Live sync does not cover", async function () {
    await harness.settings.update({ officerDemographicsMode: 'Push' });
    const learner = await freshLearner();
    const [officer] = (await harness.db.query(`SELECT o.id, o.ref, o.additional_id FROM officer o JOIN learner l ON l.main_officer_id = o.id WHERE l.id = $1`, [
      learner.id,
    ])) as Array<{
      id: number;
      ref: string;
      additional_id: string;
    }>;
    await harness.sql(`UPDATE officer SET mobile = '07700 900555' WHERE id = $1`, [officer.id]);
    await harness.sql(`UPDATE learner SET email = 'not.enrolled@example.org' WHERE smart_assessor_id IS NULL`);
    await waitFor('the officer in Smart Assessor', async () => sa().assessors.get(officer.additional_id)?.mobile === '07700 900555');
    await harness.liveSettled();
    const written = sa().recorded.filter((request) => request.status < 300 && request.method !== 'GET' && request.operationId !== 'createToken');
    expect(written.map((request) => request.operationId)).to.deep.equal(['updateAssessor']);
  });

  it("pulls nothing: in Pull mode a live job pushes the ULN and leaves the MIS's details, risk band and OTJ hours alone", async function () {
    await harness.settings.update({ learnerDemographicsMode: 'Pull', updateRiskFromSmartCoach: true });
    const learner = await freshLearner((row) => row.uln !== null);
    sa().updateLearner(learner.smartAssessorId!, { email: 'changed.in.sa@example.org' });
    const record = sa().learners.get(learner.smartAssessorId!)!;
    record.smartCoach = { riskScore: 0.9, riskBand: 'High', scoredAt: Date.now() };
    record.actualOtjHours = 77;
    await harness.sql(`UPDATE learner SET uln = '9276308686', planned_otj_hours = 444 WHERE id = $1`, [learner.id]);

    await waitFor('the ULN and planned OTJ in Smart Assessor', async () => record.uln === '9276308686' && record.plannedOtjHours === 444);
    await harness.liveSettled();
    const now = learnerByIdent(await readMis(harness.db), learner.learnerIdent);
    expect(now).to.include({ email: learner.email, riskBand: learner.riskBand, actualOtjHours: learner.actualOtjHours });
    const pulls = await harness.db.query(
      `SELECT e.queue, c FROM sync_event e JOIN sync_run r ON r.id = e.run_id, jsonb_array_elements(e.changes) c WHERE r.trigger = 'live' AND c->>'direction' = 'pull'`,
    );
    expect(pulls).to.deep.equal([]);
  });

  it("makes no live work of a Pull mode's own writes", async function () {
    await harness.settings.update({ learnerDemographicsMode: 'Pull', officerDemographicsMode: 'Pull', updateRiskFromSmartCoach: false });
    const learner = await freshLearner();
    sa().updateLearner(learner.smartAssessorId!, { email: 'pulled.from.sa@example.org', mobile: '07700 900777' });
    // No relay meanwhile: the outbox then holds exactly what the daily run's writes made.
    await harness.stopRelay();
    try {
      await harness.runDaily();
      const now = learnerByIdent(await readMis(harness.db), learner.learnerIdent);
      expect(now).to.include({ email: 'pulled.from.sa@example.org', mobile: '07700 900777' });
      const [{ changes }] = await harness.db.query(`SELECT count(*)::int AS changes FROM live_change`);
      expect(changes).to.equal(0);
    } finally {
      harness.startRelay();
    }
  });

  it('leaves a change to a learner whose daily job is pending to that job, recorded as covered', async function () {
    await harness.stopWorkers();
    try {
      const learner = await freshLearner();
      await harness.db.query(`UPDATE integration_settings SET live_sync = false WHERE id = 1`);
      const { runId } = await startRun(harness.db, harness.producers, 'manual');
      await fanOutRun({ db: harness.db, producers: harness.producers, logger: silentLogger }, runId);
      await harness.settings.update({ liveSync: true });
      await harness.sql(`UPDATE learner SET email = 'covered@example.org' WHERE id = $1`, [learner.id]);
      await waitFor('the change covered', async () => {
        const [event] = await harness.db.query(
          `SELECT e.outcome, e.error FROM sync_event e JOIN sync_run r ON r.id = e.run_id WHERE r.trigger = 'live' AND e.subject_ref = $1 AND e.queue = 'demographics'`,
          [learner.learnerIdent],
        );
        return event?.outcome === 'skipped' && String(event.error).includes(`${runId}.learner-demographics.${learner.id}`);
      });
      expect(await harness.producers.queues.demographics.getJobs(['waiting'])).to.satisfy((jobs: Array<{ id?: string }>) =>
        jobs.every((job) => !String(job.id).includes('.live-')),
      );
      await harness.startWorkers();
      await waitFor('the daily run to finish', async () => (await harness.db.query(`SELECT state FROM sync_run WHERE id = $1`, [runId]))[0].state === 'completed', 60_000);
      expect(harness.learnerWrites(learner.smartAssessorId!)).to.deep.equal([{ email: 'covered@example.org' }]);
    } finally {
      await harness.startWorkers().catch(() => undefined);
    }
  });

  it('sends what an import changes, for enrolled learners in the run only', async function () {
    const learner = await freshLearner();
    const document = harness.provider.document;
    const imported = document.learners!.find((each) => each.learnerIdent === learner.learnerIdent)!;
    const unenrolled = document.learners!.find((each) => harness.provider.notEnrolled.includes(each.learnerIdent));
    await importDocument(harness.db, {
      learners: [{ ...imported, mobile: '07700 900321' }, ...(unenrolled ? [{ ...unenrolled, mobile: '07700 900322' }] : [])],
    });
    await waitFor('the mobile in Smart Assessor', async () => sa().learners.get(learner.smartAssessorId!)?.mobile === '07700 900321');
    await harness.liveSettled();
    expect(harness.learnerWrites(learner.smartAssessorId!)).to.deep.equal([{ mobile: '07700 900321' }]);
    expect(sa().recorded.filter((request) => request.operationId === 'updateLearner')).to.have.length(1);
  });

  it('lets the daily run find nothing left to push, and its own writes make no live work', async function () {
    await harness.settings.update({ officerDemographicsMode: 'Push', organisationDemographicsMode: 'Push', pushChangesToLearnerEmployer: true });
    const [first, second] = [await freshLearner(), await freshLearner()];
    const [placement] = (await harness.db.query(`SELECT ref FROM organisation WHERE id = $1`, [first.placementOrganisationId])) as Array<{ ref: string }>;
    await harness.sql(`UPDATE learner SET surname = 'Livesey', planned_otj_hours = 250 WHERE id = $1`, [first.id]);
    await harness.sql(`UPDATE learner SET placement_organisation_id = $2 WHERE id = $1`, [second.id, first.placementOrganisationId]);
    await harness.sql(`UPDATE organisation SET website = 'https://live.example' WHERE id = $1`, [first.placementOrganisationId]);
    await harness.sql(`UPDATE learning_aim SET completion_status = 3, actual_end_date = current_date WHERE learner_id = $1`, [second.id]);
    await waitFor('the changes in Smart Assessor', async () => {
      const moved = sa().learners.get(second.smartAssessorId!)!;
      return sa().learners.get(first.smartAssessorId!)?.surname === 'Livesey' && moved.status === 'Withdrawn' && moved.employerId === saEmployerId(placement.ref);
    });
    await harness.liveSettled();

    await harness.stopRelay();
    try {
      const runId = await harness.runDaily();
      const pushes = await harness.db.query(
        `SELECT e.queue, e.subject_ref, c FROM sync_event e, jsonb_array_elements(e.changes) c WHERE e.run_id = $1 AND c->>'direction' = 'push'`,
        [runId],
      );
      expect(pushes, 'the daily run pushed nothing').to.deep.equal([]);
      const [{ changes }] = await harness.db.query(`SELECT count(*)::int AS changes FROM live_change`);
      expect(changes, "the daily run's writes captured as live changes").to.equal(0);
    } finally {
      harness.startRelay();
    }
    expect(await liveRuns()).to.not.be.empty;
  });
});
