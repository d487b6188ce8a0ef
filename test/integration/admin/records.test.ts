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
        { queue: 'admin', subject_type: 'organisation', subject_ref: 'ORG7', learner_id: null, outcome: 'changed', changes: [{ record: 'organisation ORG7', field: 'additionalId', from: null, to: '302', direction: 'pull' }] },
        { queue: 'admin', subject_type: 'organisation', subject_ref: 'ORG7', learner_id: null, outcome: 'changed', changes: [{ record: 'organisation ORG7', field: 'additionalId', from: '302', to: null, direction: 'pull' }] },
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
    it('lists the catalogue with each qualification\'s Smart Assessor course link', async () => {
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
      expect(answer.body).to.deep.equal({ items: [{ code: 'IND', name: 'Induction' }, { code: 'PR', name: 'Progress Review' }] });
    });
  });
});
