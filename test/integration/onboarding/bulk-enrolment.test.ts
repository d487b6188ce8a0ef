import { expect } from 'chai';
import { createOnboardingQueue, type OnboardingQueue } from '../../../queues/onboarding.js';
import { SKIPPED_WHILE_DISABLED } from '../../../src/onboarding/feed-rules.js';
import { waitFor } from '../../support/pipeline.js';
import { bulkOfficerRef, bulkOrganisationRef, bulkProvider } from './bulk-provider.js';
import { existingProviderDocument, existingSmartAssessorRecords, LEFT_TO_ENROL } from './existing-provider.js';
import { quietImportLog, startOnboardingBed, type BatchAnswer, type OnboardingBed } from './onboarding-bed.js';

const WINDOW = 20;

describe('onboarding: bulk enrolment', function () {
  this.timeout(240_000);
  let bed: OnboardingBed;
  quietImportLog();
  afterEach(async () => {
    await bed?.close();
  });

  /** Every MIS record of the provider holds the id of the Smart Assessor record with its misReference, and Smart Assessor has each once. */
  async function expectLinkedOnce(kind: 'organisation' | 'officer' | 'learner', refs: string[]): Promise<void> {
    const store = bed.simulator.store;
    const [table, key, column, records, byRef] = {
      organisation: ['organisation', 'ref', 'additional_id', store.employers, (ref: string) => store.employerIdByRef(ref)],
      officer: ['officer', 'ref', 'additional_id', store.assessors, (ref: string) => store.assessorIdByRef(ref)],
      learner: ['learner', 'learner_ident', 'smart_assessor_id', store.learners, (ref: string) => [...store.learners.values()].find((l) => l.misReference === ref)?.id],
    }[kind] as [string, string, string, Map<string, { misReference: string | null }>, (ref: string) => string | undefined];
    const rows = (await bed.db.query(`SELECT ${key} AS ref, ${column} AS held FROM ${table} WHERE ${key} = ANY($1)`, [refs])) as Array<{ ref: string; held: string | null }>;
    expect(rows).to.have.length(refs.length);
    for (const row of rows) expect(row.held, `${kind} ${row.ref}`).to.equal(byRef(row.ref)).and.to.be.a('string');
    const inSmartAssessor = [...records.values()].filter((record) => record.misReference !== null && refs.includes(record.misReference));
    expect(inSmartAssessor, `${kind}s in Smart Assessor`).to.have.length(refs.length);
  }

  it('enrols 1,000 learners sharing 40 new employers and 5 new officers: 40 employers, 5 assessors, 1,000 learners, and the one with invalid data fails alone', async () => {
    bed = await startOnboardingBed({ pace: { window: WINDOW, windowDuringRun: 2 } });
    await bed.load(bulkProvider({ learners: 1_001, organisations: 40, officers: 5, invalid: [501] }));
    const requested = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    expect(requested.status).to.equal(202);
    expect(requested.body.learners).to.equal(1_001);

    let mostInQueue = 0;
    const finished = await waitFor(
      'the bulk enrolment to finish',
      async () => {
        const { body } = await bed.api.get<BatchAnswer & { inQueue: number }>(`/api/enrolments/${requested.body.batchId}`);
        mostInQueue = Math.max(mostInQueue, body.inQueue);
        expect(body.enrolled + body.failed + body.waiting).to.equal(1_001);
        return body.state === 'finished' ? body : null;
      },
      200_000,
      100,
    );
    expect(finished).to.deep.include({ total: 1_001, enrolled: 1_000, failed: 1, waiting: 0 });
    expect(finished.failures).to.deep.equal([{ learnerIdent: 'L000501', error: 'learner L000501: niNumber is not in the ILR format: two letters, six digits, then A, B, C or D' }]);
    expect(mostInQueue, 'never more than the window in the enrolment queue').to.be.within(1, WINDOW);

    const store = bed.simulator.store;
    expect(store.stats()).to.include({ employers: 40, assessors: 5, learners: 1_000, learnerCourses: 1_000 });
    await expectLinkedOnce(
      'organisation',
      Array.from({ length: 40 }, (_, i) => bulkOrganisationRef(i + 1)),
    );
    await expectLinkedOnce(
      'officer',
      Array.from({ length: 5 }, (_, i) => bulkOfficerRef(i + 1)),
    );
    const enrolled = Array.from({ length: 1_001 }, (_, i) => `L${String(i + 1).padStart(6, '0')}`).filter((ident) => ident !== 'L000501');
    await expectLinkedOnce('learner', enrolled);
    const [saved] = (await bed.db.query(`SELECT count(*)::int AS ids FROM sync_event WHERE queue = 'enrolment' AND changes @> '[{"field": "additionalId"}]'`)) as Array<{
      ids: number;
    }>;
    expect(saved.ids, 'each employer and officer id saved once, by the first learner to need it').to.equal(45);
    const [failedLearner] = (await bed.db.query(`SELECT smart_assessor_id, last_error FROM learner WHERE learner_ident = 'L000501'`)) as Array<{
      smart_assessor_id: string | null;
      last_error: string;
    }>;
    expect(failedLearner.smart_assessor_id).to.equal(null);
    expect(failedLearner.last_error).to.contain('niNumber');
  });

  it('after a match and its accepts, enrols only the Live, in-learning learners still unlinked', async () => {
    bed = await startOnboardingBed();
    await bed.load(existingProviderDocument(), existingSmartAssessorRecords());
    const matchId = await bed.match();
    await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: true });
    const { body: match } = await bed.api.get(`/api/onboarding/matches/${matchId}?kind=learner`);
    const choice = match.proposals.find((p: { misRef: string; smartAssessorId: string }) => p.misRef === 'L000005' && p.smartAssessorId === 'lrn-h5a');
    await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { proposalIds: [choice.proposalId] });
    const before = bed.simulator.store.stats();

    const requested = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    expect(requested.body.learners).to.equal(LEFT_TO_ENROL.length);
    const finished = await bed.batchFinished(requested.body.batchId);
    expect(finished).to.deep.include({ total: 6, enrolled: 5, failed: 1, waiting: 0 });
    expect(finished.failures.map((failure) => failure.learnerIdent)).to.deep.equal(['L000012']);
    const after = bed.simulator.store.stats();
    expect(after.learners - before.learners, 'new learners in Smart Assessor').to.equal(5);
    // ORG4 and ORG6 and OFF2 were not in Smart Assessor: made once each; the linked ones were used.
    expect(after.employers - before.employers).to.equal(2);
    expect(after.assessors - before.assessors).to.equal(1);
    const kim = [...bed.simulator.store.learners.values()].filter((learner) => learner.firstName === 'Kim');
    expect(kim.map((learner) => learner.misReference ?? 'by hand').sort()).to.deep.equal(['L000006', 'L000007', 'by hand']);
  });

  it('enrols the learners named, each once, in the order given', async () => {
    bed = await startOnboardingBed();
    await bed.load(bulkProvider({ learners: 5, organisations: 1, officers: 1 }));
    const requested = await bed.api.post('/api/enrolments', { learnerIdents: ['L000003', 'L000001', 'L000003'] });
    expect(requested.status).to.equal(202);
    expect(requested.body.learners).to.equal(2);
    expect(await bed.batchFinished(requested.body.batchId)).to.deep.include({ total: 2, enrolled: 2, failed: 0, waiting: 0 });
    const enrolled = (await bed.db.query(`SELECT learner_ident FROM learner WHERE smart_assessor_id IS NOT NULL ORDER BY 1`)) as Array<{ learner_ident: string }>;
    expect(enrolled.map((row) => row.learner_ident)).to.deep.equal(['L000001', 'L000003']);
    const listed = (await bed.api.get('/api/enrolments')).body as { items: Array<{ batchId: string; enrolled: number }> };
    expect(listed.items).to.have.length(1);
    expect(listed.items[0]).to.include({ batchId: requested.body.batchId, enrolled: 2 });
  });

  it('refuses, naming each, a learner that does not exist or is already enrolled; 409 while the integration is disabled or nobody is left', async () => {
    bed = await startOnboardingBed();
    await bed.load(bulkProvider({ learners: 2, organisations: 1, officers: 1 }));
    await bed.db.query(`UPDATE learner SET smart_assessor_id = 'lrn-x' WHERE learner_ident = 'L000002'`);
    const bad = await bed.api.post('/api/enrolments', { learnerIdents: ['L000001', 'L999999', 'L000002', 7] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.deep.equal({ 'learnerIdents[3]': 'must be a Learner Ident (text)' });
    const unknown = await bed.api.post('/api/enrolments', { learnerIdents: ['L000001', 'L999999', 'L000002'] });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.fields).to.deep.equal({
      'learnerIdents[1]': 'is not the Learner Ident of any learner',
      'learnerIdents[2]': 'learner L000002 is already enrolled (Smart Assessor ID lrn-x)',
    });
    const both = await bed.api.post('/api/enrolments', { learnerIdents: ['L000001'], allUnenrolled: true });
    expect(both.body.error.fields).to.deep.equal({ allUnenrolled: 'cannot be sent with learnerIdents' });
    const empty = await bed.api.post('/api/enrolments', { learnerIdents: [] });
    expect(empty.body.error.fields).to.deep.equal({ learnerIdents: 'must name at least one learner' });

    expect((await bed.api.put('/api/settings', { integrationEnabled: false })).status).to.equal(200);
    const disabled = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    expect(disabled.status).to.equal(409);
    expect(disabled.body.error.message).to.equal('The integration is disabled (Settings: Integration Enabled is off), so bulk enrolment is refused; switch it on first');
    expect((await bed.db.query(`SELECT count(*)::int AS n FROM enrolment_batch`))[0].n).to.equal(0);

    expect((await bed.api.put('/api/settings', { integrationEnabled: true })).status).to.equal(200);
    await bed.db.query(`UPDATE learner SET smart_assessor_id = 'lrn-y' WHERE learner_ident = 'L000001'`);
    const nobody = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    expect(nobody.status).to.equal(409);
    expect(nobody.body.error.message).to.contain('there is nobody to enrol');
    expect((await bed.api.get('/api/enrolments/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
  });

  it('keeps 2 learners in the enrolment queue while a daily run is active, its whole window once the run is over', async () => {
    bed = await startOnboardingBed({ enrolmentWorker: false, pace: { window: 5, windowDuringRun: 2 } });
    await bed.load(bulkProvider({ learners: 12, organisations: 2, officers: 1 }));
    await bed.db.query(`INSERT INTO sync_run (trigger, state, as_of_date, started_at) VALUES ('schedule', 'running', current_date, now())`);
    const { body } = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    const enrolmentQueue = bed.pipeline.producers.queues.enrolment;
    const feeder = await waitFor('the feeder to have taken a few steps', async () => {
      const job = await createdQueue().getJob(`enrolment-batch.${body.batchId}`);
      return job && job.attemptsStarted >= 5 ? job : null;
    });
    expect(feeder).to.be.ok;
    expect(await enrolmentQueue.getWaitingCount()).to.equal(2);
    expect((await bed.api.get(`/api/enrolments/${body.batchId}`)).body).to.include({ inQueue: 2, waiting: 12 });

    await bed.db.query(`UPDATE sync_run SET state = 'completed', finished_at = now()`);
    await waitFor('the window to open', async () => (await enrolmentQueue.getWaitingCount()) === 5);
    expect((await bed.api.get(`/api/enrolments/${body.batchId}`)).body).to.include({ inQueue: 5 });
  });

  it('stops a batch when the integration is switched off: the queued learners finish as skipped, the waiting ones are not queued, each failed with the reason', async () => {
    bed = await startOnboardingBed({ enrolmentWorker: false, pace: { window: 2, windowDuringRun: 1 } });
    await bed.load(bulkProvider({ learners: 5, organisations: 1, officers: 1 }));
    const { body } = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    await waitFor('two learners in the enrolment queue', async () => (await bed.pipeline.producers.queues.enrolment.getWaitingCount()) === 2);
    expect((await bed.api.put('/api/settings', { integrationEnabled: false })).status).to.equal(200);
    await bed.startEnrolmentWorker();
    const finished = await bed.batchFinished(body.batchId);
    expect(finished).to.deep.include({ total: 5, enrolled: 0, failed: 5, waiting: 0 });
    expect(finished.failures.map((failure) => failure.error)).to.deep.equal(Array(5).fill(SKIPPED_WHILE_DISABLED));
    expect(bed.simulator.store.stats()).to.include({ learners: 0, employers: 0 });
  });

  let onboardingQueue: OnboardingQueue | undefined;
  function createdQueue(): OnboardingQueue {
    onboardingQueue ??= createOnboardingQueue({ connection: bed.pipeline.redis, prefix: bed.pipeline.prefix });
    return onboardingQueue;
  }
  afterEach(async () => {
    await onboardingQueue?.close();
    onboardingQueue = undefined;
  });

  it('finishes a batch and a match whose jobs Redis lost: the next onboarding worker gives them back', async () => {
    bed = await startOnboardingBed({ onboardingWorker: false });
    await bed.load(bulkProvider({ learners: 3, organisations: 1, officers: 1 }));
    const { body: batch } = await bed.api.post('/api/enrolments', { allUnenrolled: true });
    const { body: match } = await bed.api.post('/api/onboarding/matches');
    const queue = createdQueue();
    expect(await queue.getWaitingCount()).to.equal(2);
    await queue.obliterate({ force: true });
    expect(await queue.getJobCounts()).to.deep.include({ waiting: 0, delayed: 0, active: 0 });

    await bed.startOnboardingWorker();
    expect(await bed.batchFinished(batch.batchId)).to.deep.include({ total: 3, enrolled: 3, failed: 0 });
    await waitFor('the match to be ready', async () => (await bed.api.get(`/api/onboarding/matches/${match.matchId}`)).body.state === 'ready');
  });
});
