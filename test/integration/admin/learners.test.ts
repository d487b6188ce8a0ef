import { expect } from 'chai';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

describe('admin API: learners', () => {
  let admin: TestAdmin;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
  });
  beforeEach(async () => {
    await admin.reset();
    const imported = await admin.api.post('/api/import', providerDocument());
    expect(imported.status).to.equal(200);
  });
  after(() => admin?.close());

  const idents = (answer: { body: { items: Array<{ learnerIdent: string }> } }) => answer.body.items.map((item) => item.learnerIdent);

  describe('GET /api/learners', () => {
    it('pages every learner in Learner Ident order with their sync state', async () => {
      const first = await admin.api.get('/api/learners?pageSize=2');
      expect(first.status).to.equal(200);
      expect(first.body).to.include({ page: 1, pageSize: 2, totalItems: 5 });
      expect(idents(first)).to.deep.equal(['L000123', 'L000124']);
      expect(first.body.items[0]).to.deep.equal({
        learnerIdent: 'L000123',
        firstName: 'Amira',
        surname: 'Khan',
        uln: '9276308686',
        email: 'amira.khan@example.org',
        systemStatus: 'Live',
        placementOrganisation: { ref: 'ORG7', name: 'Acme Ltd' },
        smartAssessorId: '5512',
        inLearning: true,
        endedOn: null,
        eligible: true,
        lastSyncedAt: null,
        lastError: null,
      });
      const third = await admin.api.get('/api/learners?pageSize=2&page=3');
      expect(idents(third)).to.deep.equal(['L000127']);
    });

    it('shows the last sync time and last error the pipeline left', async () => {
      await admin.db.query(`UPDATE learner SET last_synced_at = '2026-11-28T02:14:09Z', last_error = 'learner L000124: uln is not 10 digits' WHERE learner_ident = 'L000124'`);
      const answer = await admin.api.get('/api/learners?search=L000124');
      expect(answer.body.items[0]).to.include({ lastSyncedAt: '2026-11-28T02:14:09.000Z', lastError: 'learner L000124: uln is not 10 digits' });
    });

    it('searches by ident, name, ULN or email, every word, in any case', async () => {
      expect(idents(await admin.api.get('/api/learners?search=L000125'))).to.deep.equal(['L000125']);
      expect(idents(await admin.api.get('/api/learners?search=khan'))).to.deep.equal(['L000123']);
      expect(idents(await admin.api.get('/api/learners?search=AMIRA%20KHAN'))).to.deep.equal(['L000123']);
      expect(idents(await admin.api.get('/api/learners?search=9276308686'))).to.deep.equal(['L000123']);
      expect(idents(await admin.api.get('/api/learners?search=dan.brown%40example'))).to.deep.equal(['L000126']);
      expect(idents(await admin.api.get('/api/learners?search=amira%20brown'))).to.deep.equal([]);
      expect((await admin.api.get('/api/learners?search=%25')).body.totalItems, 'a % is matched literally').to.equal(0);
    });

    it('filters by eligibility: Live, enrolled, and in learning or ended within the last month', async () => {
      const eligible = await admin.api.get('/api/learners?eligible=true');
      expect(idents(eligible)).to.deep.equal(['L000123', 'L000126']);
      expect(eligible.body.items.every((item: { eligible: boolean }) => item.eligible)).to.equal(true);
      const not = await admin.api.get('/api/learners?eligible=false');
      expect(idents(not)).to.deep.equal(['L000124', 'L000125', 'L000127']);
      expect(not.body.items.map((item: { eligible: boolean }) => item.eligible)).to.deep.equal([false, false, false]);
      expect(idents(await admin.api.get('/api/learners?eligible=true&search=dan'))).to.deep.equal(['L000126']);
    });

    it('names each bad paging or filter parameter', async () => {
      const answer = await admin.api.get('/api/learners?page=0&pageSize=5000&eligible=maybe');
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(answer.body.error.fields).to.deep.equal({ eligible: 'must be true or false' });
      const paging = await admin.api.get('/api/learners?page=0&pageSize=5000');
      expect(paging.body.error.fields).to.deep.equal({ page: 'must be a whole number from 1 to 1000000', pageSize: 'must be a whole number from 1 to 200' });
      expect((await admin.api.get('/api/learners?page=abc')).body.error.fields).to.have.keys('page');
    });

    it('uses the trigram index for a search over many learners', async () => {
      await admin.db.query(`
        INSERT INTO learner (learner_ident, first_name, surname, email)
        SELECT 'X' || lpad(n::text, 6, '0'), 'First' || n, 'Surname' || n, 'learner' || n || '@example.org'
          FROM generate_series(1, 20000) AS n`);
      await admin.db.query('ANALYZE learner');
      const plan: Array<{ 'QUERY PLAN': string }> = await admin.db.query(
        `EXPLAIN SELECT count(*) FROM learner l WHERE lower(l.learner_ident || ' ' || l.first_name || ' ' || l.surname || ' ' || coalesce(l.uln, '') || ' ' || coalesce(l.email, '')) LIKE '%surname1234%'`,
      );
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).to.include('learner_search_idx');
      const answer = await admin.api.get('/api/learners?search=surname12345');
      expect(idents(answer)).to.deep.equal(['X012345']);
    });
  });

  describe('GET /api/learners/{ident}', () => {
    it('answers the LearnerView of contracts/admin-api.md', async () => {
      const answer = await admin.api.get('/api/learners/L000123');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({
        learnerIdent: 'L000123',
        lrn: 'LRN000123',
        firstName: 'Amira',
        surname: 'Khan',
        dateOfBirth: '2004-03-09',
        gender: 'Female',
        uln: '9276308686',
        email: 'amira.khan@example.org',
        address1: null,
        address2: null,
        address3: null,
        address4: null,
        postcode: 'LS1 4AP',
        niNumber: null,
        phone: null,
        mobile: null,
        systemStatus: 'Live',
        inLearning: true,
        endedOn: null,
        eligible: true,
        smartAssessorId: '5512',
        riskBand: null,
        placementOrganisation: { ref: 'ORG7', name: 'Acme Ltd', additionalId: null },
        mainOfficer: { ref: 'OFF2', name: 'Sam Patel', additionalId: null },
        officerRoles: [{ role: 'IQA', officerRef: 'OFF9' }],
        plannedOtjHours: 278,
        actualOtjHours: null,
        qualifications: [
          {
            aimRef: 'L000123-1',
            reference: 'ST0123',
            title: 'Engineering Technician',
            supportedInSmartAssessor: false,
            smartAssessorLearnerCourseId: null,
            inSmartAssessor: 'unsupported',
            startDate: '2026-01-05',
            plannedEndDate: '2027-07-05',
            actualEndDate: null,
            completionStatus: 1,
            outcome: null,
            elementsTotal: null,
            elementsDone: null,
            restartOf: null,
          },
        ],
        reviews: [
          {
            reviewIdent: 'R000045',
            reviewType: 'PR',
            plannedDate: '2026-10-01',
            actualDate: '2026-10-01',
            officerRef: 'OFF2',
            attendedStatus: 'Attended',
            notes: 'Good progress',
            smartAssessorSystemId: '77123',
          },
        ],
        breaksInLearning: [{ lastDayInLearning: '2026-06-30', returnDate: '2026-07-14' }],
        lastSyncedAt: null,
        lastError: null,
      });
    });

    it('shows an ended learner with the date they ended', async () => {
      const answer = await admin.api.get('/api/learners/L000125');
      expect(answer.body).to.include({ inLearning: false, endedOn: '2026-09-20', eligible: false });
    });

    it('answers 404 for an unknown ident', async () => {
      const answer = await admin.api.get('/api/learners/NOPE');
      expect(answer.status).to.equal(404);
      expect(answer.body.error).to.deep.equal({ code: 'not_found', message: 'No learner with Learner Ident "NOPE"' });
    });
  });

  describe('GET /api/learners/{ident}/enrolment-preview', () => {
    it('answers what enrolment would send, linking or creating the employer and assessor', async () => {
      await admin.db.query(`UPDATE qualification SET sa_course_id = 'C17' WHERE reference = 'ST0123'`);
      const answer = await admin.api.get('/api/learners/L000124/enrolment-preview');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ learnerIdent: 'L000124', alreadyEnrolled: false, smartAssessorId: null, startDate: '2026-01-05', plannedOtjHours: 278 });
      expect(answer.body.learner).to.include({ misReference: 'L000124', firstName: 'Ben', surname: 'Jones', email: 'ben.jones@example.org' });
      expect(answer.body.employer).to.deep.equal({ ref: 'ORG7', name: 'Acme Ltd', action: 'create', smartAssessorId: null });
      expect(answer.body.assessor).to.include({ ref: 'OFF2', name: 'Sam Patel', action: 'create' });
      expect(answer.body.qualifications.map((aim: { aimRef: string; action: string }) => [aim.aimRef, aim.action])).to.deep.equal([['L000124-1', 'enrol']]);
      expect(answer.body.canEnrol).to.equal(true);
      expect(await admin.queues.enrolment.count(), 'a preview queues nothing').to.equal(0);
    });

    it('answers 404 for an unknown ident', async () => {
      const answer = await admin.api.get('/api/learners/NOPE/enrolment-preview');
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal('not_found');
    });
  });

  describe('PUT /api/learners/{ident}/smart-assessor-id', () => {
    it('sets and clears the id, answering the LearnerView, and records each edit in the history', async () => {
      const set = await admin.api.put('/api/learners/L000124/smart-assessor-id', { smartAssessorId: ' 6001 ' });
      expect(set.status).to.equal(200);
      expect(set.body).to.include({ learnerIdent: 'L000124', smartAssessorId: '6001', eligible: true });
      const cleared = await admin.api.put('/api/learners/L000124/smart-assessor-id', { smartAssessorId: null });
      expect(cleared.body).to.include({ smartAssessorId: null, eligible: false });

      const history = await admin.api.get('/api/learners/L000124/history');
      expect(history.status).to.equal(200);
      expect(history.body).to.include({ page: 1, totalItems: 2 });
      expect(history.body.items.map((event: { changes: unknown[] }) => event.changes)).to.deep.equal([
        [{ record: 'learner L000124', field: 'smartAssessorId', from: '6001', to: null, direction: 'pull' }],
        [{ record: 'learner L000124', field: 'smartAssessorId', from: null, to: '6001', direction: 'pull' }],
      ]);
      expect(history.body.items[0]).to.include({ runId: null, queue: 'admin', outcome: 'changed', error: null });
      expect(history.body.items[0].at).to.match(/^\d{4}-\d{2}-\d{2}T/);
    });

    it('refuses an id another learner already has, naming the holder, changing nothing', async () => {
      const answer = await admin.api.put('/api/learners/L000124/smart-assessor-id', { smartAssessorId: '5512' });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(answer.body.error.fields.smartAssessorId).to.include('learner L000123');
      expect((await admin.api.get('/api/learners/L000124')).body.smartAssessorId).to.equal(null);
      expect((await admin.api.get('/api/learners/L000124/history')).body.totalItems).to.equal(0);
    });

    it('names what is wrong with a bad body', async () => {
      const cases: Array<[unknown, Record<string, string>]> = [
        [{}, { smartAssessorId: 'is required: a Smart Assessor learner id, or null to clear it' }],
        [{ smartAssessorId: 42 }, { smartAssessorId: 'must be text or null' }],
        [{ smartAssessorId: '   ' }, { smartAssessorId: 'must not be blank (send null to clear it)' }],
        [{ smartAssessorId: 'x'.repeat(65) }, { smartAssessorId: 'must be at most 64 characters' }],
        [{ smartAssessorId: '1', extra: true }, { extra: 'property extra should not exist' }],
        [[1], { body: 'must be a JSON object' }],
      ];
      for (const [body, fields] of cases) {
        const answer = await admin.api.put('/api/learners/L000124/smart-assessor-id', body);
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body.error.code).to.equal('validation_failed');
        expect(answer.body.error.fields, JSON.stringify(body)).to.deep.equal(fields);
      }
      const broken = await admin.api.request('PUT', '/api/learners/L000124/smart-assessor-id', '{"smartAssessorId": ', {});
      expect(broken.status).to.equal(400);
      expect(broken.body.error.fields).to.deep.equal({ body: 'is not valid JSON' });
      expect((await admin.api.get('/api/learners/L000124')).body.smartAssessorId).to.equal(null);
    });

    it('answers 404 for an unknown ident', async () => {
      const answer = await admin.api.put('/api/learners/NOPE/smart-assessor-id', { smartAssessorId: '1' });
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal('not_found');
    });
  });

  describe('GET /api/learners/{ident}/history', () => {
    it("pages the learner's sync events newest first", async () => {
      const learnerId = (await admin.db.query(`SELECT id FROM learner WHERE learner_ident = 'L000123'`))[0].id;
      const run = (await admin.db.query(`INSERT INTO sync_run (trigger, state, as_of_date) VALUES ('manual', 'completed', '2026-11-28') RETURNING id`))[0].id;
      for (const [minute, queue] of [
        [1, 'otj'],
        [2, 'reviews'],
        [3, 'status'],
      ] as const) {
        await admin.db.query(
          `INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error)
           VALUES ($1, $2, $3, 'learner', 'L000123', $4, $5, $6, $7)`,
          [
            `2026-11-28T02:0${minute}:00Z`,
            run,
            queue,
            learnerId,
            queue === 'status' ? 'failed' : 'changed',
            JSON.stringify(queue === 'otj' ? [{ record: 'learner L000123', field: 'actualOtjHours', from: 10, to: 12.5, direction: 'pull' }] : []),
            queue === 'status' ? 'Smart Assessor did not answer' : null,
          ],
        );
      }
      const first = await admin.api.get('/api/learners/L000123/history?pageSize=2');
      expect(first.body).to.include({ page: 1, pageSize: 2, totalItems: 3 });
      expect(first.body.items).to.deep.equal([
        { at: '2026-11-28T02:03:00.000Z', runId: run, queue: 'status', outcome: 'failed', changes: [], error: 'Smart Assessor did not answer' },
        { at: '2026-11-28T02:02:00.000Z', runId: run, queue: 'reviews', outcome: 'changed', changes: [], error: null },
      ]);
      const second = await admin.api.get('/api/learners/L000123/history?pageSize=2&page=2');
      expect(second.body.items).to.deep.equal([
        {
          at: '2026-11-28T02:01:00.000Z',
          runId: run,
          queue: 'otj',
          outcome: 'changed',
          changes: [{ record: 'learner L000123', field: 'actualOtjHours', from: 10, to: 12.5, direction: 'pull' }],
          error: null,
        },
      ]);
    });

    it('answers 404 for an unknown ident and 400 for a bad page', async () => {
      expect((await admin.api.get('/api/learners/NOPE/history')).status).to.equal(404);
      const bad = await admin.api.get('/api/learners/L000123/history?page=-1');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.fields).to.have.keys('page');
    });
  });
});
