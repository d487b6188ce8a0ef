import { expect } from 'chai';
import { SESSION_TYPES } from '../../../entities/index.js';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

describe('admin API: settings, review type mappings, import', () => {
  let admin: TestAdmin;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
  });
  beforeEach(() => admin.reset());
  after(() => admin?.close());

  describe('settings', () => {
    it('shows SPEC.md §2 with the secrets only as "set"', async () => {
      const answer = await admin.api.get('/api/settings');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({
        integrationEnabled: true,
        baseUrl: null,
        username: null,
        passwordSet: false,
        clientKeySet: false,
        learnerDemographicsMode: 'None',
        dailySchedule: '02:00',
        timezone: 'Europe/London',
        lastSynchronisedAt: null,
      });
      expect(answer.body).not.to.have.any.keys('password', 'clientKey', 'passwordEncrypted', 'clientKeyEncrypted');
    });

    it('writes what the body carries and leaves the rest', async () => {
      const answer = await admin.api.put('/api/settings', { learnerDemographicsMode: 'Push', updateLearnerGender: true, password: 'sa-secret' });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ learnerDemographicsMode: 'Push', updateLearnerGender: true, passwordSet: true, officerDemographicsMode: 'None' });
      expect(answer.body).not.to.have.property('password');
      expect((await admin.api.get('/api/settings')).body).to.include({ learnerDemographicsMode: 'Push', passwordSet: true });
    });

    it('names every bad field and changes nothing', async () => {
      const answer = await admin.api.put('/api/settings', { learnerDemographicsMode: 'Sideways', dailySchedule: '25:00', updateLearnerGender: true });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(answer.body.error.fields).to.have.keys('learnerDemographicsMode', 'dailySchedule');
      expect((await admin.api.get('/api/settings')).body).to.include({ learnerDemographicsMode: 'None', updateLearnerGender: false, dailySchedule: '02:00' });
      expect((await admin.api.put('/api/settings', 'null')).status).to.equal(400);
    });
  });

  describe('review type mappings', () => {
    beforeEach(async () => {
      expect((await admin.api.post('/api/import', providerDocument())).status).to.equal(200);
    });

    it('shows every Smart Assessor session type, unmapped ones as null', async () => {
      const answer = await admin.api.get('/api/review-type-mappings');
      expect(answer.status).to.equal(200);
      expect(Object.keys(answer.body)).to.have.members([...SESSION_TYPES]);
      expect(Object.values(answer.body).every((value) => value === null)).to.equal(true);
    });

    it('maps session types to review types and un-maps them with null', async () => {
      const mapped = await admin.api.put('/api/review-type-mappings', { FormalReview: 'PR', Induction: 'IND' });
      expect(mapped.status).to.equal(200);
      expect(mapped.body).to.include({ FormalReview: 'PR', Induction: 'IND', General: null });
      const unmapped = await admin.api.put('/api/review-type-mappings', { Induction: null });
      expect(unmapped.body).to.include({ FormalReview: 'PR', Induction: null });
      expect((await admin.api.get('/api/settings')).body.reviewTypeMappings).to.include({ FormalReview: 'PR', Induction: null });
    });

    it('names an unknown session type or review type code, changing nothing', async () => {
      const answer = await admin.api.put('/api/review-type-mappings', { FormalReview: 'XX', Seance: 'PR' });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(Object.keys(answer.body.error.fields)).to.include('Seance');
      expect((await admin.api.get('/api/review-type-mappings')).body.FormalReview).to.equal(null);
      const unknownCode = await admin.api.put('/api/review-type-mappings', { FormalReview: 'XX' });
      expect(unknownCode.status).to.equal(400);
      expect(unknownCode.body.error.fields).to.deep.equal({ FormalReview: 'no review type "XX"' });
    });
  });

  describe('POST /api/import', () => {
    it('creates and then updates records, answering the counts per record type', async () => {
      const created = await admin.api.post('/api/import', providerDocument());
      expect(created.status).to.equal(200);
      expect(created.body.created).to.include({ learners: 5, organisations: 2, officers: 2, qualifications: 2, reviewTypes: 2 });
      const again = await admin.api.post('/api/import', providerDocument());
      expect(again.body.created).to.include({ learners: 0 });
      expect(again.body.updated).to.include({ learners: 5 });
    });

    it('refuses a document with a bad record as a whole, naming each bad path', async () => {
      const document = providerDocument();
      document.learners![2]!.dateOfBirth = '2004-02-30';
      const answer = await admin.api.post('/api/import', document);
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(answer.body.error.fields).to.have.property('learners[2].dateOfBirth');
      expect((await admin.db.query('SELECT count(*)::int AS n FROM learner'))[0].n).to.equal(0);
      expect((await admin.db.query('SELECT count(*)::int AS n FROM organisation'))[0].n).to.equal(0);
    });

    it('refuses a body that is not a document', async () => {
      const answer = await admin.api.post('/api/import', [1, 2]);
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
    });
  });
});
