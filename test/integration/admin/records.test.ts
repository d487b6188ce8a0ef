import { expect } from 'chai';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

describe('admin API: organisations, officers, qualifications, review types', () => {
  let admin: TestAdmin;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
  });
  beforeEach(async () => {
    await admin.reset();
    expect((await admin.api.post('/api/import', providerDocument())).status).to.equal(200);
  });
  after(() => admin?.close());

  describe('organisations', () => {
    it('lists and searches organisations, and filters by whether they are linked', async () => {
      const all = await admin.api.get('/api/organisations');
      expect(all.status).to.equal(200);
      expect(all.body).to.include({ page: 1, totalItems: 2 });
      expect(all.body.items[0]).to.deep.equal({
        ref: 'ORG7',
        name: 'Acme Ltd',
        phone: '0113 496 0000',
        edrsNumber: '123456789',
        address1: null,
        address2: null,
        address3: null,
        address4: null,
        postcode: 'LS1 4AP',
        website: null,
        employerSize: null,
        additionalId: null,
      });
      expect((await admin.api.get('/api/organisations?search=bright')).body.items.map((item: { ref: string }) => item.ref)).to.deep.equal(['ORG8']);
      expect((await admin.api.get('/api/organisations?search=123456')).body.items.map((item: { ref: string }) => item.ref)).to.deep.equal(['ORG7']);
      expect((await admin.api.get('/api/organisations?linked=false')).body.items.map((item: { ref: string }) => item.ref)).to.deep.equal(['ORG7']);
      expect((await admin.api.get('/api/organisations?linked=true')).body.items.map((item: { ref: string }) => item.ref)).to.deep.equal(['ORG8']);
    });

    it('links an organisation to a Smart Assessor employer and clears it again, with history', async () => {
      const linked = await admin.api.put('/api/organisations/ORG7/additional-id', { additionalId: '302' });
      expect(linked.status).to.equal(200);
      expect(linked.body).to.include({ ref: 'ORG7', additionalId: '302' });
      expect((await admin.api.get('/api/learners/L000123')).body.placementOrganisation).to.deep.equal({ ref: 'ORG7', name: 'Acme Ltd', additionalId: '302' });
      const cleared = await admin.api.put('/api/organisations/ORG7/additional-id', { additionalId: null });
      expect(cleared.body.additionalId).to.equal(null);
      const events = await admin.db.query(`SELECT queue, subject_type, subject_ref, learner_id, outcome, changes FROM sync_event ORDER BY id`);
      expect(events).to.deep.equal([
        {
          queue: 'admin',
          subject_type: 'organisation',
          subject_ref: 'ORG7',
          learner_id: null,
          outcome: 'changed',
          changes: [{ record: 'organisation ORG7', field: 'additionalId', from: null, to: '302', direction: 'pull' }],
        },
        {
          queue: 'admin',
          subject_type: 'organisation',
          subject_ref: 'ORG7',
          learner_id: null,
          outcome: 'changed',
          changes: [{ record: 'organisation ORG7', field: 'additionalId', from: '302', to: null, direction: 'pull' }],
        },
      ]);
    });

    it('refuses an employer id another organisation holds, an unknown ref (404) and a bad body, changing nothing', async () => {
      const taken = await admin.api.put('/api/organisations/ORG7/additional-id', { additionalId: '301' });
      expect(taken.status).to.equal(400);
      expect(taken.body.error.fields.additionalId).to.include('organisation ORG8');
      const unknown = await admin.api.put('/api/organisations/NOPE/additional-id', { additionalId: '1' });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error).to.deep.equal({ code: 'not_found', message: 'No organisation with ref "NOPE"' });
      const bad = await admin.api.put('/api/organisations/ORG7/additional-id', { additionalId: 301 });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.fields).to.deep.equal({ additionalId: 'must be text or null' });
      expect((await admin.api.get('/api/organisations?search=ORG7')).body.items[0].additionalId).to.equal(null);
      expect((await admin.db.query('SELECT count(*)::int AS n FROM sync_event'))[0].n).to.equal(0);
    });
  });

  describe('officers', () => {
    it('lists and searches officers, and links one to a Smart Assessor assessor', async () => {
      const all = await admin.api.get('/api/officers');
      expect(all.body.items.map((item: { ref: string }) => item.ref)).to.deep.equal(['OFF2', 'OFF9']);
      expect(all.body.items[1]).to.deep.equal({
        ref: 'OFF9',
        firstName: 'Ria',
        surname: 'Quinn',
        email: 'ria.quinn@provider.example',
        phone: null,
        mobile: null,
        additionalId: '88',
      });
      expect((await admin.api.get('/api/officers?search=sam.patel')).body.items.map((item: { ref: string }) => item.ref)).to.deep.equal(['OFF2']);
      const linked = await admin.api.put('/api/officers/OFF2/additional-id', { additionalId: '89' });
      expect(linked.status).to.equal(200);
      expect(linked.body).to.include({ ref: 'OFF2', additionalId: '89' });
      expect((await admin.api.get('/api/learners/L000123')).body.mainOfficer).to.deep.equal({ ref: 'OFF2', name: 'Sam Patel', additionalId: '89' });
    });

    it('refuses an assessor id another officer holds, an unknown ref and a missing field', async () => {
      const taken = await admin.api.put('/api/officers/OFF2/additional-id', { additionalId: '88' });
      expect(taken.status).to.equal(400);
      expect(taken.body.error.fields.additionalId).to.include('officer OFF9');
      expect((await admin.api.put('/api/officers/NOPE/additional-id', { additionalId: '1' })).status).to.equal(404);
      const missing = await admin.api.put('/api/officers/OFF2/additional-id', {});
      expect(missing.status).to.equal(400);
      expect(missing.body.error.fields).to.deep.equal({ additionalId: 'is required: a Smart Assessor id, or null to clear it' });
    });
  });

  describe('qualifications and review types', () => {
    it("lists the catalogue with each qualification's Smart Assessor course link", async () => {
      await admin.db.query(`UPDATE qualification SET sa_course_id = 'C17' WHERE reference = 'ST0123'`);
      const answer = await admin.api.get('/api/qualifications');
      expect(answer.body).to.deep.equal({
        items: [
          { reference: 'ST0123', title: 'Engineering Technician', smartAssessorCourseId: 'C17', supportedInSmartAssessor: true },
          { reference: 'ST0385', title: 'Team Leader or Supervisor', smartAssessorCourseId: null, supportedInSmartAssessor: false },
        ],
        page: 1,
        pageSize: 50,
        totalItems: 2,
      });
    });

    it('lists the review types', async () => {
      const answer = await admin.api.get('/api/review-types');
      expect(answer.body).to.deep.equal({
        items: [
          { code: 'IND', name: 'Induction' },
          { code: 'PR', name: 'Progress Review' },
        ],
      });
    });
  });

  describe('officer and organisation history', () => {
    let firstRun: string;
    let nextRun: string;

    beforeEach(async () => {
      const run = async (asOf: string): Promise<string> =>
        (await admin.db.query(`INSERT INTO sync_run (trigger, state, as_of_date) VALUES ('schedule', 'completed', $1) RETURNING id`, [asOf]))[0].id;
      [firstRun, nextRun] = [await run('2026-11-27'), await run('2026-11-28')];
      const learnerId = (await admin.db.query(`SELECT id FROM learner WHERE learner_ident = 'L000123'`))[0].id;
      const events: Array<[string, string | null, string, string, string, number | null, string, unknown[], string | null]> = [
        ['02:01', firstRun, 'officers', 'officer', 'OFF2', null, 'changed', [{ record: 'officer OFF2', field: 'surname', from: 'Patil', to: 'Patel', direction: 'push' }], null],
        ['02:02', firstRun, 'organisations', 'organisation', 'ORG7', null, 'unchanged', [], null],
        [
          '02:03',
          nextRun,
          'officers',
          'officer',
          'OFF2',
          null,
          'failed',
          [{ record: 'officer OFF2', field: 'phone', from: null, to: '0113 496 0100', direction: 'push' }],
          'officer OFF2: email is wrong',
        ],
        // The learner's own event, though it names the officer: it belongs to the learner's history.
        [
          '02:04',
          null,
          'enrolment',
          'learner',
          'L000123',
          learnerId,
          'changed',
          [{ record: 'officer OFF2', field: 'additionalId', from: null, to: '88', direction: 'pull' }],
          null,
        ],
      ];
      for (const [time, runId, queue, type, ref, learner, outcome, changes, error] of events) {
        await admin.db.query(
          `INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [`2026-11-28T${time}:00Z`, runId, queue, type, ref, learner, outcome, JSON.stringify(changes), error],
        );
      }
    });

    it("pages an officer's own sync events newest first, in the SyncEvent shape", async () => {
      const first = await admin.api.get('/api/officers/OFF2/history?pageSize=1');
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.equal({
        items: [
          {
            at: '2026-11-28T02:03:00.000Z',
            runId: nextRun,
            queue: 'officers',
            outcome: 'failed',
            changes: [{ record: 'officer OFF2', field: 'phone', from: null, to: '0113 496 0100', direction: 'push' }],
            error: 'officer OFF2: email is wrong',
          },
        ],
        page: 1,
        pageSize: 1,
        totalItems: 2,
      });
      const second = await admin.api.get('/api/officers/OFF2/history?pageSize=1&page=2');
      expect(second.body.items.map((event: { at: string; outcome: string }) => [event.at, event.outcome])).to.deep.equal([['2026-11-28T02:01:00.000Z', 'changed']]);
    });

    it("pages an organisation's own sync events, and an officer or organisation without any has an empty history", async () => {
      const organisation = await admin.api.get('/api/organisations/ORG7/history');
      expect(organisation.body).to.include({ totalItems: 1 });
      expect(organisation.body.items[0]).to.deep.include({ queue: 'organisations', outcome: 'unchanged', runId: firstRun });
      expect((await admin.api.get('/api/organisations/ORG8/history')).body).to.include({ totalItems: 0 });
      expect((await admin.api.get('/api/officers/OFF9/history')).body).to.include({ totalItems: 0 });
    });

    it('answers 404 for an unknown ref and 400 for a bad page', async () => {
      const unknownOfficer = await admin.api.get('/api/officers/NOPE/history');
      expect([unknownOfficer.status, unknownOfficer.body.error.message]).to.deep.equal([404, 'No officer with ref "NOPE"']);
      expect((await admin.api.get('/api/organisations/NOPE/history')).status).to.equal(404);
      const bad = await admin.api.get('/api/officers/OFF2/history?page=0');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.fields).to.have.keys('page');
    });
  });
});
