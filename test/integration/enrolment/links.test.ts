import { expect } from 'chai';
import { SyncEvent } from '../../../entities/index.js';
import {
  lookUpAssessors,
  lookUpEmployers,
  RecordNotFoundError,
  setLearnerSmartAssessorId,
  setOfficerAdditionalId,
  setOrganisationAdditionalId,
} from '../../../src/enrolment/index.js';
import { ValidationFailedError } from '../../../src/failure-kinds.js';
import { LearnerNotFoundError } from '../../../src/runs/run-refusals.js';
import { learner, organisation, provider } from './fixtures.js';
import { rejectionOf, startTestbed, type Testbed } from './testbed.js';

describe('Look Up Smart Assessor ID and editing Smart Assessor ids by hand', () => {
  let bed: Testbed;

  beforeEach(async () => {
    bed = await startTestbed();
  });
  afterEach(async () => {
    await bed.close();
  });

  describe('look-ups', () => {
    beforeEach(() => {
      bed.simulator.store.seed({
        employers: [
          { misReference: 'X1', name: 'Acme Engineering Ltd', edrsNumber: '111111111' },
          { misReference: 'X2', name: 'ACME Care', edrsNumber: '222222222' },
          { misReference: 'X3', name: 'Brightside Care', edrsNumber: '333333333' },
        ],
        assessors: [
          { misReference: 'Y1', firstName: 'Sam', surname: 'Patel', email: 'Sam.Patel@provider.example' },
          { misReference: 'Y2', firstName: 'Ria', surname: 'Quinn', email: 'ria.quinn@provider.example' },
        ],
      });
    });

    it('finds employers by part of the name, by EDRS number, a page at a time', async () => {
      const byName = await lookUpEmployers(bed.client, { name: '  acme ' });
      expect(byName.items.map((employer) => employer.name)).to.have.members(['Acme Engineering Ltd', 'ACME Care']);
      expect(byName).to.include({ page: 1, pageSize: 20, totalItems: 2 });

      const byEdrs = await lookUpEmployers(bed.client, { edrsNumber: '333333333', name: '' });
      expect(byEdrs.items.map((employer) => employer.misReference)).to.deep.equal(['X3']);

      const secondPage = await lookUpEmployers(bed.client, { page: 2, pageSize: 2 });
      expect(secondPage).to.include({ page: 2, pageSize: 2, totalItems: 3 });
      expect(secondPage.items).to.have.length(1);
    });

    it('finds assessors by email, whatever its case', async () => {
      const found = await lookUpAssessors(bed.client, { email: 'sam.patel@PROVIDER.example' });
      expect(found.items.map((assessor) => [assessor.misReference, assessor.firstName])).to.deep.equal([['Y1', 'Sam']]);
    });

    it('refuses paging it cannot serve, asking Smart Assessor nothing', async () => {
      bed.simulator.store.resetCounters();
      const error = await rejectionOf(lookUpAssessors(bed.client, { page: 0, pageSize: 101 }));
      expect(error).to.be.instanceOf(ValidationFailedError);
      expect(Object.keys((error as ValidationFailedError).fields)).to.deep.equal(['page', 'pageSize']);
      expect(bed.simulator.store.counters.requests).to.equal(0);
    });
  });

  describe('manual edits', () => {
    beforeEach(async () => {
      await bed.load(provider([learner(1), learner(2, { smartAssessorId: 'lrn-5' })], { organisations: [organisation('ORG7'), organisation('ORG8', { additionalId: 'emp-8' })] }));
    });

    const eventsOf = (subjectRef: string) => bed.db.getRepository(SyncEvent).find({ where: { subjectRef }, order: { id: 'ASC' } });

    it("sets and clears an organisation's Additional ID, each edit a sync event outside any run", async () => {
      const linked = await setOrganisationAdditionalId(bed.db, 'ORG7', ' emp-7 ');
      expect(linked.additionalId).to.equal('emp-7');
      await setOrganisationAdditionalId(bed.db, 'ORG7', 'emp-7');
      const cleared = await setOrganisationAdditionalId(bed.db, 'ORG7', null);
      expect(cleared.additionalId).to.equal(null);

      const events = await eventsOf('ORG7');
      expect(events.map((event) => [event.runId, event.queue, event.subjectType, event.learnerId, event.outcome, event.changes])).to.deep.equal([
        [null, 'admin', 'organisation', null, 'changed', [{ record: 'organisation ORG7', field: 'additionalId', from: null, to: 'emp-7', direction: 'pull' }]],
        [null, 'admin', 'organisation', null, 'changed', [{ record: 'organisation ORG7', field: 'additionalId', from: 'emp-7', to: null, direction: 'pull' }]],
      ]);
    });

    it("sets an officer's Additional ID, refusing one another officer holds", async () => {
      await setOfficerAdditionalId(bed.db, 'OFF2', 'asr-2');

      const error = await rejectionOf(setOfficerAdditionalId(bed.db, 'OFF9', 'asr-2'));

      expect(error).to.be.instanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).fields).to.deep.equal({ additionalId: 'is already the Additional ID of officer OFF2' });
      const [row] = await bed.db.query(`SELECT additional_id FROM officer WHERE ref = 'OFF9'`);
      expect(row.additional_id).to.equal(null);
    });

    it("edits a learner's Smart Assessor ID into their history, refusing one another learner has, naming them", async () => {
      const error = await rejectionOf(setLearnerSmartAssessorId(bed.db, 'L000001', 'lrn-5'));
      expect(error).to.be.instanceOf(ValidationFailedError);
      expect(error.message).to.contain('learner L000002');
      expect((error as ValidationFailedError).fields).to.deep.equal({ smartAssessorId: 'is already the Smart Assessor ID of learner L000002' });

      const edited = await setLearnerSmartAssessorId(bed.db, 'L000001', 'lrn-1');

      expect(edited.smartAssessorId).to.equal('lrn-1');
      const history = await bed.history('L000001');
      expect(history.map((event) => [event.runId, event.queue, event.changes])).to.deep.equal([
        [null, 'admin', [{ record: 'learner L000001', field: 'smartAssessorId', from: null, to: 'lrn-1', direction: 'pull' }]],
      ]);
    });

    it('refuses a blank, an over-long or a non-text id, changing nothing', async () => {
      for (const [value, reason] of [
        ['', 'must not be blank; send null to clear it'],
        ['   ', 'must not be blank; send null to clear it'],
        ['x'.repeat(65), 'must be at most 64 characters'],
        [42, 'must be a string or null'],
      ] as const) {
        const error = await rejectionOf(setOrganisationAdditionalId(bed.db, 'ORG8', value));
        expect(error, String(value)).to.be.instanceOf(ValidationFailedError);
        expect((error as ValidationFailedError).fields).to.deep.equal({ additionalId: reason });
      }
      const [row] = await bed.db.query(`SELECT additional_id FROM organisation WHERE ref = 'ORG8'`);
      expect(row.additional_id).to.equal('emp-8');
      expect(await eventsOf('ORG8')).to.deep.equal([]);
    });

    it('refuses an unknown organisation, officer or learner', async () => {
      expect(await rejectionOf(setOrganisationAdditionalId(bed.db, 'ORG404', 'emp-1'))).to.be.instanceOf(RecordNotFoundError);
      expect(await rejectionOf(setOfficerAdditionalId(bed.db, 'OFF404', 'asr-1'))).to.be.instanceOf(RecordNotFoundError);
      expect(await rejectionOf(setLearnerSmartAssessorId(bed.db, 'L404', 'lrn-1'))).to.be.instanceOf(LearnerNotFoundError);
    });
  });
});
