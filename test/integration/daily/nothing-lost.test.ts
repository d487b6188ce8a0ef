import { expect } from 'chai';
import { validUln } from './expectations.js';
import { eventsOf, sharedDailyHarness, type DailyHarness, type EventRow, type LearnerPick } from './harness.js';

/**
 * SPEC.md §4, "Rules for every comparison and write", through the real processors and
 * runner, against the simulator over HTTP: a blank from Smart Assessor never erases what
 * the MIS holds, and invalid MIS data holds back only the fields it affects.
 */
describe('daily synchronisation loses nothing', function () {
  const shared = sharedDailyHarness({ learners: 24, seed: 11 });
  let harness: DailyHarness;
  let freshLearner: LearnerPick;
  before(() => ({ harness, freshLearner } = shared));

  beforeEach(async function () {
    await harness.settings.update({
      learnerDemographicsMode: 'None',
      officerDemographicsMode: 'None',
      organisationDemographicsMode: 'None',
      updateRiskFromSmartCoach: false,
      pushChangesToLearnerEmployer: false,
      reviewTypeMappings: { FormalReview: 'PR' },
    });
  });

  const eventOf = async (runId: string, queue: string, subjectType = 'learner'): Promise<EventRow> =>
    (await eventsOf(harness.db, runId)).find((event) => event.queue === queue && event.subjectType === subjectType)!;
  /** The requests that wrote to Smart Assessor, with their bodies. */
  const writes = (path: string) => harness.simulator.store.recorded.filter((request) => request.method !== 'GET' && request.path === path).map((request) => request.body);
  const runChanges = async (runId: string): Promise<number> => (await harness.db.query(`SELECT changes FROM sync_run WHERE id = $1`, [runId]))[0].changes;
  /** The changes a run's events hold that wrote something (a kept value wrote nothing). */
  const writtenChanges = async (runId: string): Promise<number> =>
    (await eventsOf(harness.db, runId)).flatMap((event) => event.changes).filter((change) => change.direction !== 'kept').length;
  /** The job of this run in `queue`, as BullMQ holds it. */
  const failedJob = async (queue: 'demographics' | 'officers' | 'organisations', runId: string) =>
    (await harness.pipeline.producers.queues[queue].getFailed()).find((job) => job.data.runId === runId);

  describe('reviews: a blank from Smart Assessor never erases what the MIS holds', () => {
    const reviewOf = async (learnerId: number, sessionId: string) =>
      (
        await harness.db.query(
          `SELECT r.review_ident AS "reviewIdent", r.actual_date::text AS "actualDate", r.attended_status AS "attendedStatus", r.notes, o.ref AS officer
           FROM review r LEFT JOIN officer o ON o.id = r.officer_id WHERE r.learner_id = $1 AND r.smart_assessor_system_id = $2`,
          [learnerId, sessionId],
        )
      )[0];

    it('keeps an attended review whose session is reopened with no comments and an assessor no officer is, and records what it kept', async function () {
      const learner = await freshLearner((row) => row.mainOfficerId !== null);
      const [officer] = await harness.db.query(`SELECT ref, additional_id AS "additionalId" FROM officer WHERE id = $1`, [learner.mainOfficerId]);
      const store = harness.simulator.store;
      const session = store.addSession(learner.smartAssessorId!, {
        sessionType: 'FormalReview',
        startTime: '2026-09-01T10:00:00Z',
        status: 'Attended',
        comments: 'Unit 4 evidence reviewed.',
        assessorId: officer.additionalId,
      });
      await harness.syncLearner(learner.learnerIdent);
      const attended = { actualDate: '2026-09-01', attendedStatus: 'Attended', notes: 'Unit 4 evidence reviewed.', officer: officer.ref };
      const review = await reviewOf(learner.id, session.id);
      expect(review).to.deep.include(attended);

      // Reopened in Smart Assessor: no status, no comments, and an assessor the MIS has no officer for.
      Object.assign(session, { status: null, comments: null, assessorId: 'asr-not-in-the-mis', updatedAt: Date.now() });
      const { runId } = await harness.syncLearner(learner.learnerIdent);

      expect(await reviewOf(learner.id, session.id), 'nothing the MIS held is erased').to.deep.include(attended);
      const event = await eventOf(runId, 'reviews');
      expect(event.outcome, 'a kept value changes nothing').to.equal('unchanged');
      const record = `review ${review.reviewIdent}`;
      expect(event.changes).to.have.deep.members([
        { record, field: 'actualDate', from: null, to: '2026-09-01', direction: 'kept' },
        { record, field: 'officer', from: null, to: officer.ref, direction: 'kept' },
        { record, field: 'attendedStatus', from: null, to: 'Attended', direction: 'kept' },
        { record, field: 'notes', from: null, to: 'Unit 4 evidence reviewed.', direction: 'kept' },
      ]);
      expect(await runChanges(runId), 'the run counts no kept value as a change').to.deep.equal(await writtenChanges(runId));
    });

    it('still takes a value from Smart Assessor over a different one in the MIS', async function () {
      const learner = await freshLearner();
      const store = harness.simulator.store;
      const session = store.addSession(learner.smartAssessorId!, { sessionType: 'FormalReview', startTime: '2026-09-08T10:00:00Z', status: 'Attended', comments: 'First visit.' });
      await harness.syncLearner(learner.learnerIdent);

      Object.assign(session, { status: 'Cancelled', comments: 'Moved to next week.', updatedAt: Date.now() });
      const { runId } = await harness.syncLearner(learner.learnerIdent);

      expect(await reviewOf(learner.id, session.id)).to.deep.include({ attendedStatus: 'Cancelled', notes: 'Moved to next week.', actualDate: '2026-09-08' });
      const event = await eventOf(runId, 'reviews');
      expect(event.outcome).to.equal('changed');
      expect(event.changes.map((change) => [change.field, change.direction, change.from, change.to])).to.have.deep.members([
        ['attendedStatus', 'pull', 'Attended', 'Cancelled'],
        ['notes', 'pull', 'First visit.', 'Moved to next week.'],
        ['actualDate', 'kept', null, '2026-09-08'],
      ]);
    });
  });

  describe('invalid data holds back only the fields it affects', () => {
    it('in Pull mode pulls the details and the risk band although the ULN it pushes is invalid, then fails the job without retry, naming it', async function () {
      await harness.settings.update({ learnerDemographicsMode: 'Pull', updateRiskFromSmartCoach: true });
      const learner = await freshLearner((row) => row.email !== null && row.riskBand !== 'Red');
      const goodUln = validUln('987654322');
      const badUln = goodUln.slice(0, 9) + String((Number(goodUln[9]) + 1) % 10);
      await harness.db.query(`UPDATE learner SET uln = $2 WHERE id = $1`, [learner.id, badUln]);
      const saLearner = harness.simulator.store.learners.get(learner.smartAssessorId!)!;
      harness.simulator.store.updateLearner(learner.smartAssessorId!, { email: 'pulled.anyway@example.org' });
      saLearner.smartCoach = { riskScore: 0.9, riskBand: 'High', scoredAt: Date.now() };
      const ulnBefore = saLearner.uln;

      const { runId } = await harness.syncLearner(learner.learnerIdent);

      const [now] = await harness.db.query(`SELECT email, risk_band AS "riskBand", uln, last_error AS "lastError" FROM learner WHERE id = $1`, [learner.id]);
      expect(now).to.deep.include({ email: 'pulled.anyway@example.org', riskBand: 'Red', uln: badUln });
      expect(harness.simulator.store.learners.get(learner.smartAssessorId!)!.uln, 'the invalid ULN is never sent').to.equal(ulnBefore);
      expect(writes(`/learners/${learner.smartAssessorId}`).filter((body) => 'uln' in (body as object))).to.deep.equal([]);

      const event = await eventOf(runId, 'demographics');
      expect(event.outcome).to.equal('failed');
      expect(event.error).to.match(new RegExp(`^learner ${learner.learnerIdent}: uln .*fails the ULN check digit`));
      expect(event.changes.map((change) => [change.field, change.direction, change.to])).to.have.deep.members([
        ['email', 'pull', 'pulled.anyway@example.org'],
        ['riskBand', 'pull', 'Red'],
      ]);
      expect(now.lastError).to.equal(`demographics: ${event.error}`);
      const job = await failedJob('demographics', runId);
      expect(job?.attemptsMade, 'failed once, not retried').to.equal(1);
      const [run] = await harness.db.query(`SELECT jobs_failed AS failed FROM sync_run WHERE id = $1`, [runId]);
      expect(run.failed).to.equal(1);
      expect(await runChanges(runId), 'the changes that went through count').to.deep.equal(await writtenChanges(runId));
    });

    it('in Push mode sends every other changed field although the NI number is invalid, then fails the job naming learner, field and reason', async function () {
      await harness.settings.update({ learnerDemographicsMode: 'Push', updateLearnerGender: false });
      const learner = await freshLearner();
      await harness.db.query(`UPDATE learner SET ni_number = 'QQ123456C', email = 'sent.anyway@example.org', mobile = '07700 900555' WHERE id = $1`, [learner.id]);

      const { runId } = await harness.syncLearner(learner.learnerIdent);

      expect(writes(`/learners/${learner.smartAssessorId}`)).to.deep.include({ email: 'sent.anyway@example.org', mobile: '07700 900555' });
      expect(writes(`/learners/${learner.smartAssessorId}`).filter((body) => 'niNumber' in (body as object))).to.deep.equal([]);
      const sa = harness.simulator.store.learners.get(learner.smartAssessorId!)!;
      expect([sa.email, sa.mobile, sa.niNumber]).to.deep.equal(['sent.anyway@example.org', '07700 900555', learner.niNumber]);

      const event = await eventOf(runId, 'demographics');
      expect(event.outcome).to.equal('failed');
      expect(event.error).to.equal(`learner ${learner.learnerIdent}: niNumber "QQ123456C" starts with a letter never used first (D, F, I, Q, U or V)`);
      expect(event.changes.map((change) => [change.field, change.direction, change.to])).to.have.deep.members([
        ['email', 'push', 'sent.anyway@example.org'],
        ['mobile', 'push', '07700 900555'],
      ]);
      expect((await failedJob('demographics', runId))?.attemptsMade).to.equal(1);
      const others = (await eventsOf(harness.db, runId)).filter((other) => other.queue !== 'demographics');
      expect(others.every((other) => other.outcome !== 'failed')).to.equal(true);
    });

    it("sends an officer's other changes although their email is invalid, and an organisation's although its postcode is", async function () {
      await harness.settings.update({ officerDemographicsMode: 'Push', organisationDemographicsMode: 'Push' });
      const learner = await freshLearner((row) => row.mainOfficerId !== null && row.placementOrganisationId !== null);
      await harness.db.query(`UPDATE officer SET email = 'not-an-email', surname = 'Renamed-In-MIS' WHERE id = $1`, [learner.mainOfficerId]);
      await harness.db.query(`UPDATE organisation SET postcode = 'NOWHERE', name = 'Renamed In MIS Ltd' WHERE id = $1`, [learner.placementOrganisationId]);
      const [officer] = await harness.db.query(`SELECT ref, additional_id AS "additionalId" FROM officer WHERE id = $1`, [learner.mainOfficerId]);
      const [organisation] = await harness.db.query(`SELECT ref, additional_id AS "additionalId" FROM organisation WHERE id = $1`, [learner.placementOrganisationId]);

      const { runId } = await harness.syncLearner(learner.learnerIdent);

      expect(writes(`/assessors/${officer.additionalId}`)).to.deep.equal([{ surname: 'Renamed-In-MIS' }]);
      expect(writes(`/employers/${organisation.additionalId}`)).to.deep.equal([{ name: 'Renamed In MIS Ltd' }]);
      const officerEvent = await eventOf(runId, 'officers', 'officer');
      expect(officerEvent).to.deep.include({ outcome: 'failed', error: `officer ${officer.ref}: email "not-an-email" is not a valid email address` });
      expect(officerEvent.changes.map((change) => [change.field, change.direction, change.to])).to.deep.equal([['surname', 'push', 'Renamed-In-MIS']]);
      const organisationEvent = await eventOf(runId, 'organisations', 'organisation');
      expect(organisationEvent).to.deep.include({ outcome: 'failed', error: `organisation ${organisation.ref}: postcode "NOWHERE" is not a UK postcode (e.g. "LS1 4AP")` });
      expect(organisationEvent.changes.map((change) => [change.field, change.direction, change.to])).to.deep.equal([['name', 'push', 'Renamed In MIS Ltd']]);
      expect((await failedJob('officers', runId))?.attemptsMade).to.equal(1);
      expect((await failedJob('organisations', runId))?.attemptsMade).to.equal(1);
    });
  });
});
