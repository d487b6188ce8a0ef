import { expect } from 'chai';
import { classifyFailure } from '../../../workers/failure.js';
import { reviewsProcessor } from '../../../workers/reviews.js';
import { statusProcessor } from '../../../workers/status.js';
import { snapshotKey } from '../../../src/daily/learner-snapshot.js';
import { requestLearnerSync } from '../../../src/runs/index.js';
import { comparable, ukDate, validUln } from './expectations.js';
import { eventsOf as runEvents, sharedDailyHarness, type DailyHarness, type LearnerPick } from './harness.js';
import { aimsOf, learnerByIdent, readMis } from './mis-state.js';

/** "Update Learner In Smart Assessor" for one learner at a time: the settings and MIS data that change what a job does. */

describe('daily synchronisation of one learner', function () {
  const shared = sharedDailyHarness({ learners: 24, seed: 7 });
  let harness: DailyHarness;
  let freshLearner: LearnerPick;
  before(() => ({ harness, freshLearner } = shared));

  const eventsOf = (runId: string) => runEvents(harness.db, runId);
  const demographicsEvent = async (runId: string) => (await eventsOf(runId)).find((event) => event.queue === 'demographics')!;
  /** The learner's details PATCHes (course status PATCHes aside: a learner's first run sends those). */
  const learnerPatches = (saLearnerId: string) =>
    harness.simulator.store.recorded.filter((request) => request.operationId === 'updateLearner' && request.path === `/learners/${saLearnerId}`).map((request) => request.body);

  it("in Pull mode gives the MIS Smart Assessor's details that differ, never a blank, and still only ever pushes the ULN", async function () {
    await harness.settings.update({ learnerDemographicsMode: 'Pull', updateLearnerGender: false, updateRiskFromSmartCoach: false });
    const learner = await freshLearner((row) => row.address2 !== null && row.uln !== null && row.gender === 'Female');
    const sa = harness.simulator.store;
    await harness.db.query(`UPDATE learner SET mobile = NULL WHERE id = $1`, [learner.id]);
    sa.updateLearner(learner.smartAssessorId!, {
      email: 'amira.new@example.org',
      address2: null,
      gender: 'Male',
      firstName: `  ${learner.firstName}  `,
      mobile: '07700 900999',
      uln: validUln('987654322'),
    });
    const { runId } = await harness.syncLearner(learner.learnerIdent);

    const now = learnerByIdent(await readMis(harness.db), learner.learnerIdent);
    expect(now).to.include({
      email: 'amira.new@example.org',
      mobile: '07700 900999',
      address2: learner.address2,
      gender: 'Female',
      firstName: learner.firstName,
      uln: learner.uln,
    });
    expect(now.updatedAt).to.not.equal(learner.updatedAt);
    expect(sa.learners.get(learner.smartAssessorId!)!.uln, 'the ULN goes up even in Pull mode').to.equal(learner.uln);
    const event = await demographicsEvent(runId);
    expect(event.outcome).to.equal('changed');
    expect(event.changes.map((change) => [change.field, change.direction, change.from, change.to])).to.have.deep.members([
      ['email', 'pull', learner.email, 'amira.new@example.org'],
      ['mobile', 'pull', null, '07700 900999'],
      ['uln', 'push', validUln('987654322'), learner.uln],
    ]);
    expect(learnerPatches(learner.smartAssessorId!)).to.deep.equal([{ uln: learner.uln }]);
  });

  it('in None mode with the risk band off sends and writes no details, and skips the job', async function () {
    await harness.settings.update({ learnerDemographicsMode: 'None', updateRiskFromSmartCoach: false });
    const learner = await freshLearner();
    harness.simulator.store.updateLearner(learner.smartAssessorId!, { email: 'someone.else@example.org' });
    await harness.db.query(`UPDATE learner SET surname = 'Changed-In-MIS' WHERE id = $1`, [learner.id]);
    const { runId } = await harness.syncLearner(learner.learnerIdent);

    expect(await demographicsEvent(runId)).to.include({ outcome: 'skipped' });
    expect(learnerByIdent(await readMis(harness.db), learner.learnerIdent).email).to.equal(learner.email);
    expect(harness.simulator.store.learners.get(learner.smartAssessorId!)!.surname).to.equal(learner.surname);
    expect(learnerPatches(learner.smartAssessorId!)).to.deep.equal([]);
  });

  it('skips every queued job and asks Smart Assessor nothing once the integration is disabled', async function () {
    await harness.settings.update({ learnerDemographicsMode: 'Push', officerDemographicsMode: 'Push', organisationDemographicsMode: 'Push' });
    try {
      const learner = await freshLearner();
      await harness.db.query(`UPDATE learner SET email = 'not.sent@example.org' WHERE id = $1`, [learner.id]);
      const { runId } = await harness.runQueued(async () => {
        const queued = await requestLearnerSync(harness.db, harness.pipeline.producers, learner.learnerIdent);
        await harness.settings.update({ integrationEnabled: false });
        return queued.runId;
      });
      const events = await eventsOf(runId);
      expect(events.length).to.be.at.least(7);
      expect(events.map((event) => event.outcome)).to.deep.equal(events.map(() => 'skipped'));
      expect(harness.simulator.store.counters.requests).to.equal(0);
    } finally {
      await harness.settings.update({ integrationEnabled: true, officerDemographicsMode: 'None', organisationDemographicsMode: 'None' });
    }
  });

  it('gives new reviews the mapping in force when they are made, and keeps them when their session type is unmapped later', async function () {
    await harness.settings.update({ learnerDemographicsMode: 'None', reviewTypeMappings: { FormalReview: 'PR' } });
    const learner = await freshLearner();
    const store = harness.simulator.store;
    const reviewOf = async (sessionId: string) =>
      (
        await harness.db.query(
          `SELECT r.review_ident AS "reviewIdent", t.code, r.notes FROM review r JOIN review_type t ON t.id = r.review_type_id WHERE r.learner_id = $1 AND r.smart_assessor_system_id = $2`,
          [learner.id, sessionId],
        )
      )[0];
    const first = store.addSession(learner.smartAssessorId!, { sessionType: 'FormalReview', startTime: '2026-09-01T10:00:00Z', status: 'Attended', comments: 'First.' });
    await harness.syncLearner(learner.learnerIdent);
    expect(await reviewOf(first.id)).to.deep.equal({ reviewIdent: `${learner.learnerIdent}-SA-${first.id}`, code: 'PR', notes: 'First.' });

    await harness.settings.update({ reviewTypeMappings: { FormalReview: 'TR' } });
    first.comments = 'First, revised.';
    first.updatedAt = Date.now();
    const second = store.addSession(learner.smartAssessorId!, { sessionType: 'FormalReview', startTime: '2026-09-15T10:00:00Z' });
    await harness.syncLearner(learner.learnerIdent);
    expect(await reviewOf(first.id), 'an existing review keeps its type and follows its session').to.deep.include({ code: 'PR', notes: 'First, revised.' });
    expect(await reviewOf(second.id)).to.deep.include({ code: 'TR' });

    await harness.settings.update({ reviewTypeMappings: { FormalReview: null } });
    const third = store.addSession(learner.smartAssessorId!, { sessionType: 'FormalReview', startTime: '2026-10-01T10:00:00Z' });
    first.comments = 'Not copied: the type is ignored now.';
    await harness.syncLearner(learner.learnerIdent);
    expect(await reviewOf(third.id)).to.equal(undefined);
    expect(await reviewOf(first.id), 'never deleted, and left alone once ignored').to.deep.include({ code: 'PR', notes: 'First, revised.' });
    expect(await reviewOf(second.id)).to.deep.include({ code: 'TR' });
  });

  it('creates each review once when two jobs for the learner race to create it', async function () {
    await harness.settings.update({ reviewTypeMappings: { FormalReview: 'PR', Induction: 'IND' } });
    const learner = await freshLearner();
    const store = harness.simulator.store;
    store.addSession(learner.smartAssessorId!, { sessionType: 'FormalReview', startTime: '2026-09-01T10:00:00Z', status: 'Attended' });
    store.addSession(learner.smartAssessorId!, { sessionType: 'Induction', startTime: '2026-08-01T10:00:00Z', status: 'Attended' });
    const runId = await harness.emptyLearnerRun(learner.id);
    const deps = harness.workerDeps();

    // Both jobs have read the learner's reviews and planned the same creates before either writes.
    let arrived = 0;
    let bothPlanned!: () => void;
    const planned = new Promise<void>((resolve) => (bothPlanned = resolve));
    const job = { name: 'learner-reviews' as const, data: { runId, learnerId: learner.id } };
    const racing = (jobId: string) =>
      harness.runJob(deps, 'reviews', reviewsProcessor, job, { runId, jobId }, async () => {
        arrived += 1;
        if (arrived === 2) bothPlanned();
        await planned;
      });
    try {
      const raced = await Promise.allSettled([racing('a'), racing('b')]);
      const won = raced.filter((outcome) => outcome.status === 'fulfilled');
      const lost = raced.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect(classifyFailure(lost[0].reason).kind, 'the loser is retried').to.equal('retry');
      const retried = await harness.runJob(deps, 'reviews', reviewsProcessor, job, { runId, jobId: 'b-retry' });
      expect(retried.misWrites, 'nothing left to write').to.equal(undefined);
      expect(retried.outcome).to.equal('unchanged');
    } finally {
      deps.close();
    }
    const counts = await harness.db.query(
      `SELECT smart_assessor_system_id AS "systemId", count(*)::int AS count FROM review WHERE learner_id = $1 AND smart_assessor_system_id IS NOT NULL GROUP BY 1`,
      [learner.id],
    );
    expect(counts.map((row: { count: number }) => row.count)).to.deep.equal([1, 1]);
  });

  it('records the changes of a status job that died after writing to Smart Assessor once, when it runs again', async function () {
    const today = ukDate(Date.now());
    const daysAgo = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
    const mis = await readMis(harness.db);
    const longLinked = (learnerId: number) => aimsOf(mis, learnerId).find((aim) => aim.saLearnerCourseId && aim.startDate < daysAgo(60));
    const learner = await freshLearner((row) => longLinked(row.id) !== undefined);
    const paused = longLinked(learner.id)!;
    // A break in learning and a return: the aim ended on its last day, and a restart aim carries on.
    await harness.db.query(`INSERT INTO break_in_learning (learner_id, last_day_in_learning, return_date) VALUES ($1, $2, $3)`, [learner.id, daysAgo(30), daysAgo(5)]);
    await harness.db.query(`UPDATE learning_aim SET completion_status = 6, actual_end_date = $2 WHERE id = $1`, [paused.id, daysAgo(30)]);
    const [restart] = await harness.db.query(
      `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, completion_status, restart_of_id)
       SELECT aim_ref || '-R', learner_id, qualification_id, $2, planned_end_date + 60, 1, id FROM learning_aim WHERE id = $1 RETURNING id, aim_ref AS "aimRef"`,
      [paused.id, daysAgo(5)],
    );
    const runId = await harness.emptyLearnerRun(learner.id);
    const deps = harness.workerDeps();
    const job = { name: 'learner-status' as const, data: { runId, learnerId: learner.id } };
    const sent = () =>
      harness.simulator.store.recorded
        .filter((request) => request.method !== 'GET' && request.operationId !== 'createToken')
        .map((request) => `${request.operationId} ${request.path}`);
    try {
      const died = await harness
        .runJob(deps, 'status', statusProcessor, job, { runId, jobId: 'first' }, async () => Promise.reject(new Error('the worker died')))
        .then(
          () => null,
          (error: Error) => error.message,
        );
      expect(died).to.equal('the worker died');
      const sentBeforeDying = sent();
      expect(sentBeforeDying).to.include(`updateLearnerCourse /learners/${learner.smartAssessorId}/courses/${paused.saLearnerCourseId}`);

      harness.simulator.store.resetCounters();
      const retried = await harness.runJob(deps, 'status', statusProcessor, job, { runId, jobId: 'retry' });
      expect(sent(), 'the retry sends the same changes again (SA applies them as before)').to.deep.equal(sentBeforeDying);
      expect(retried.outcome).to.equal('changed');

      harness.simulator.store.resetCounters();
      const stalledRerun = await harness.runJob(deps, 'status', statusProcessor, job, { runId, jobId: 'rerun' });
      expect(stalledRerun.outcome, 'a finished job run again finds nothing to do').to.equal('unchanged');
      expect(sent()).to.deep.equal([]);
    } finally {
      deps.close();
      await harness.pipeline.redis.del(snapshotKey(runId, learner.smartAssessorId!, 'learner'), snapshotKey(runId, learner.smartAssessorId!, 'courses'));
    }

    const [event] = await harness.db.query(`SELECT outcome, changes FROM sync_event WHERE run_id = $1 AND queue = 'status'`, [runId]);
    const changes = (event.changes as Array<{ record: string; field: string; to: unknown }>).map((change) => `${change.record} ${change.field} ${String(change.to)}`);
    expect(event.outcome).to.equal('changed');
    expect(new Set(changes).size, 'each change recorded once').to.equal(changes.length);
    expect(changes).to.include.members([
      `aim ${paused.aimRef} saLearnerCourseId null`,
      `aim ${restart.aimRef} saLearnerCourseId ${paused.saLearnerCourseId}`,
      `aim ${restart.aimRef} completionStatus 1`,
    ]);
    const aims = aimsOf(await readMis(harness.db), learner.id);
    expect(aims.find((aim) => aim.id === paused.id)!.saLearnerCourseId).to.equal(null);
    expect(aims.find((aim) => aim.id === restart.id)!.saLearnerCourseId).to.equal(paused.saLearnerCourseId);
  });

  it("fails the employer move at once when the placement's Additional ID is no Smart Assessor employer, and moves no one", async function () {
    await harness.settings.update({ pushChangesToLearnerEmployer: true });
    try {
      const learner = await freshLearner();
      const [ghost] = await harness.db.query(`INSERT INTO organisation (ref, name, additional_id) VALUES ('ORG-GHOST', 'Ghost Ltd', 'emp-ghost') RETURNING id`);
      await harness.db.query(`UPDATE learner SET placement_organisation_id = $2 WHERE id = $1`, [learner.id, ghost.id]);
      const employerBefore = harness.simulator.store.learners.get(learner.smartAssessorId!)!.employerId;
      const { runId } = await harness.syncLearner(learner.learnerIdent);
      const move = (await eventsOf(runId)).find((event) => event.queue === 'organisations' && event.subjectType === 'learner')!;
      expect(move.outcome).to.equal('failed');
      expect(move.error).to.match(
        /^organisation ORG-GHOST: additionalId "emp-ghost" is not a Smart Assessor employer \(.*employerId is not an employer of this site.*\); correct the link in the MIS$/,
      );
      expect(harness.simulator.store.learners.get(learner.smartAssessorId!)!.employerId).to.equal(employerBefore);
    } finally {
      await harness.settings.update({ pushChangesToLearnerEmployer: false });
    }
  });

  it('compares learner details normalised: the same values written differently send nothing', async function () {
    await harness.settings.update({ learnerDemographicsMode: 'Push', updateLearnerGender: false });
    const learner = await freshLearner((row) => row.postcode !== null && row.email !== null);
    await harness.db.query(`UPDATE learner SET email = upper(email), postcode = lower(replace(postcode, ' ', '')), first_name = '  ' || first_name || ' ' WHERE id = $1`, [
      learner.id,
    ]);
    const { runId } = await harness.syncLearner(learner.learnerIdent);
    expect(await demographicsEvent(runId)).to.include({ outcome: 'unchanged' });
    expect(learnerPatches(learner.smartAssessorId!)).to.deep.equal([]);
    const sa = harness.simulator.store.learners.get(learner.smartAssessorId!)!;
    expect(comparable('email', sa.email)).to.equal(comparable('email', learner.email));
  });
});
