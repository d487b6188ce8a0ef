import { expect } from 'chai';
import { snapshotKey } from '../../../src/daily/learner-snapshot.js';
import type { LearnerRecord } from '../../../tools/simulator/records.js';
import { saAssessorId } from '../../support/enrolled-provider.js';
import {
  ATTENDED_STATUS_FOR,
  comparable,
  coursesAfterRestarts,
  expectedCourseStatus,
  expectedLearnerStatus,
  isEligible,
  LEARNER_FIELDS,
  OFFICER_FIELDS,
  ORGANISATION_FIELDS,
  RISK_BAND_FOR,
  ukDate,
  validUln,
} from './expectations.js';
import { openDailyHarness, type DailyHarness, type RunMeasure } from './harness.js';
import { aimsOf, learnerByIdent, readMis, type MisLearnerRow, type MisState } from './mis-state.js';

/** A day in the life of a provider: one daily run over HTTP against the simulator, checked learner by learner. */

const WRITE_METHODS = new Set(['PATCH', 'POST', 'PUT']);

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** The SA learner id a recorded request is about, from its path (/learners/{id}...). */
function learnerOfPath(path: string): string | null {
  return /^\/learners\/([^/]+)/.exec(path)?.[1] ?? null;
}

describe('daily synchronisation: a whole-provider run against the simulator', function () {
  let harness: DailyHarness;
  let pre: MisState;
  let post: MisState;
  let saBefore: Map<string, LearnerRecord>;
  let assessorsBefore: Map<string, { phone: string | null; mobile: string | null; firstName: string; surname: string; email: string }>;
  let employersBefore: Map<string, Record<string, unknown>>;
  let asOf: string;
  let first: RunMeasure;
  let mappings: Record<string, string | null>;
  const subjects: Record<string, MisLearnerRow> = {};
  const sessions: Record<string, string> = {};

  const eligibleLearners = () => pre.learners.filter((learner) => isEligible(learner, aimsOf(pre, learner.id), asOf));
  const saLearner = (learner: MisLearnerRow) => harness.simulator.store.learners.get(learner.smartAssessorId!)!;
  const eventsOf = async (runId: string) =>
    (await harness.db.query(`SELECT queue, subject_type AS "subjectType", subject_ref AS "subjectRef", outcome, error, changes FROM sync_event WHERE run_id = $1`, [
      runId,
    ])) as Array<{ queue: string; subjectType: string; subjectRef: string; outcome: string; error: string | null; changes: unknown[] }>;

  before(async function () {
    this.timeout(120_000);
    harness = await openDailyHarness({ learners: 40, seed: 7 });
    const { db, simulator } = harness;
    const store = simulator.store;
    await harness.settings.update({
      learnerDemographicsMode: 'Push',
      updateLearnerGender: true,
      officerDemographicsMode: 'Pull',
      organisationDemographicsMode: 'Push',
      updateRiskFromSmartCoach: true,
      pushChangesToLearnerEmployer: true,
    });
    mappings = (await harness.settings.get()).reviewTypeMappings as Record<string, string | null>;
    for (let day = 0; day < 3; day += 1) store.advanceDay();

    // Learners in plain continuing learning, each given one story below.
    const initial = await readMis(db);
    // The run judges eligibility on the UK date (the simulator's own date has moved on three days).
    asOf = ukDate(Date.now());
    const continuing = initial.learners.filter((learner) => {
      const aims = aimsOf(initial, learner.id);
      return (
        learner.systemStatus === 'Live' &&
        learner.smartAssessorId !== null &&
        aims.some((aim) => aim.saLearnerCourseId) &&
        aims.every((aim) => aim.completionStatus === 1 && aim.actualEndDate === null && aim.startDate < daysBefore(asOf, 30)) &&
        !initial.breaks.some((pause) => pause.learnerId === learner.id)
      );
    });
    const withReviews = continuing.filter((learner) => initial.reviews.some((review) => review.learnerId === learner.id));
    expect(continuing.length, 'learners in continuing learning').to.be.at.least(9);
    expect(withReviews.length, 'continuing learners with MIS reviews').to.be.at.least(1);
    subjects.sessions = withReviews[0];
    const others = continuing.filter((learner) => learner !== subjects.sessions);
    subjects.details = others.find((learner) => learner.mobile !== null)!;
    others.splice(others.indexOf(subjects.details), 1);
    for (const story of ['uln', 'break', 'withdrawal', 'completion', 'gateway', 'moveLinked', 'moveNew']) subjects[story] = others.shift()!;

    // MIS-side changes: details to push, a new ULN, a break, a withdrawal, two completions, two placement moves.
    await db.query(`UPDATE learner SET email = 'changed.' || email, postcode = lower(replace(postcode, ' ', '')), mobile = NULL, address3 = 'Old Mill Yard' WHERE id = $1`, [
      subjects.details.id,
    ]);
    await db.query(`UPDATE learner SET uln = $2 WHERE id = $1`, [subjects.uln.id, validUln('123456789')]);
    const lastDay = daysBefore(asOf, 10);
    await db.query(`INSERT INTO break_in_learning (learner_id, last_day_in_learning) VALUES ($1, $2)`, [subjects.break.id, lastDay]);
    await db.query(`UPDATE learning_aim SET completion_status = 6, actual_end_date = $2 WHERE learner_id = $1`, [subjects.break.id, lastDay]);
    await db.query(`UPDATE learning_aim SET completion_status = 3, outcome = 3, actual_end_date = $2 WHERE learner_id = $1`, [subjects.withdrawal.id, daysBefore(asOf, 5)]);
    await db.query(`UPDATE learning_aim SET completion_status = 2, outcome = 1, actual_end_date = $2 WHERE learner_id = $1`, [subjects.completion.id, daysBefore(asOf, 3)]);
    await db.query(`UPDATE learning_aim SET completion_status = 2, outcome = 8, actual_end_date = $2 WHERE learner_id = $1`, [subjects.gateway.id, daysBefore(asOf, 2)]);
    const otherLinked = initial.organisations.find((organisation) => organisation.additionalId && organisation.id !== subjects.moveLinked.placementOrganisationId)!;
    await db.query(`UPDATE learner SET placement_organisation_id = $2 WHERE id = $1`, [subjects.moveLinked.id, otherLinked.id]);
    const [created] = await db.query(
      `INSERT INTO organisation (ref, name, phone, postcode, address1, address4, employer_size) VALUES ('ORG-NEW', 'Northern Forge Ltd', '0113 496 0123', 'LS2 7EW', '12 Forge Lane', 'Leeds', '10-49') RETURNING id`,
    );
    await db.query(`UPDATE learner SET placement_organisation_id = $2 WHERE id = $1`, [subjects.moveNew.id, created.id]);
    // An organisation's details to push (a blank website must not clear SA's).
    const pushed = initial.organisations.find((organisation) => organisation.id === subjects.details.placementOrganisationId)!;
    await db.query(`UPDATE organisation SET name = name || ' Group', website = NULL WHERE id = $1`, [pushed.id]);

    // SA-side changes: an assessor's phone to pull (their cleared mobile must not clear the MIS's).
    const officer = initial.officers.find((row) => row.additionalId)!;
    store.updateAssessor(officer.additionalId!, { phone: '0113 496 0999', mobile: null });

    // Sessions of every kind for one learner: mapped and not, open and closed, known and unknown assessors.
    const learnerId = subjects.sessions.smartAssessorId!;
    const stranger = initial.officers.find((row) => row.additionalId && row.id !== subjects.sessions.mainOfficerId);
    const saOnlyAssessor = store.createAssessor({ misReference: 'SA-ONLY-1', firstName: 'Pat', surname: 'Vance', email: 'pat.vance@sa.example' });
    sessions.attended = store.addSession(learnerId, { sessionType: 'FormalReview', startTime: '2026-06-30T23:30:00Z', status: 'Attended', comments: 'Portfolio reviewed.' }).id;
    sessions.open = store.addSession(learnerId, { sessionType: 'Induction', startTime: `${asOf}T10:00:00Z` }).id;
    sessions.unmapped = store.addSession(learnerId, { sessionType: 'Telephone', startTime: `${asOf}T11:00:00Z`, status: 'Attended', comments: 'Call.' }).id;
    sessions.otherOfficer = store.addSession(learnerId, {
      sessionType: 'ExitSession',
      startTime: `${asOf}T12:00:00Z`,
      status: 'NotAttended',
      assessorId: stranger?.additionalId ?? saOnlyAssessor.id,
    }).id;
    sessions.unknownAssessor = store.addSession(learnerId, {
      sessionType: 'FormalReview',
      startTime: `${asOf}T13:00:00Z`,
      status: 'Cancelled',
      assessorId: saOnlyAssessor.id,
      comments: '   ',
    }).id;

    pre = await readMis(db);
    saBefore = new Map([...store.learners].map(([id, learner]) => [id, structuredClone(learner)]));
    assessorsBefore = new Map([...store.assessors].map(([id, assessor]) => [id, structuredClone(assessor)]));
    employersBefore = new Map([...store.employers].map(([id, employer]) => [id, structuredClone(employer) as unknown as Record<string, unknown>]));
    store.resetCounters();
    first = await harness.runDaily();
    post = await readMis(db);
    const [run] = await db.query(`SELECT as_of_date::text AS "asOfDate" FROM sync_run WHERE id = $1`, [first.runId]);
    expect(run.asOfDate, 'the day the run judged eligibility on').to.equal(asOf);
  });

  after(async function () {
    await harness?.close();
  });

  it('gives every eligible learner an outcome on each of their queues, and fails none', async function () {
    const events = await eventsOf(first.runId);
    expect(events.filter((event) => event.outcome === 'failed')).to.deep.equal([]);
    for (const learner of eligibleLearners()) {
      const queues = events.filter((event) => event.subjectType === 'learner' && event.subjectRef === learner.learnerIdent).map((event) => event.queue);
      expect(queues.sort(), learner.learnerIdent).to.deep.equal(['demographics', 'organisations', 'otj', 'qualification-progress', 'reviews', 'status']);
    }
    const [run] = await harness.db.query(`SELECT state, jobs_failed FROM sync_run WHERE id = $1`, [first.runId]);
    expect(run).to.deep.equal({ state: 'completed', jobs_failed: 0 });
  });

  it("leaves nothing of the run's Smart Assessor snapshots in Redis once each learner's readers are done", async function () {
    for (const part of ['learner', 'courses'] as const) {
      expect(await harness.pipeline.redis.keys(snapshotKey(first.runId, '*', part)), part).to.deep.equal([]);
    }
  });

  it('asks Smart Assessor nothing about learners who are not eligible, and changes nothing of theirs', async function () {
    const eligible = new Set(eligibleLearners().map((learner) => learner.id));
    const ineligible = pre.learners.filter((learner) => learner.smartAssessorId && !eligible.has(learner.id));
    expect(ineligible.length, 'the provider has enrolled learners who are not eligible').to.be.greaterThan(0);
    const asked = new Set(harness.simulator.store.recorded.map((request) => learnerOfPath(request.path)));
    for (const learner of ineligible) {
      expect(asked.has(learner.smartAssessorId!), learner.learnerIdent).to.equal(false);
      expect(learnerByIdent(post, learner.learnerIdent), learner.learnerIdent).to.deep.equal(learner);
      expect(aimsOf(post, learner.id)).to.deep.equal(aimsOf(pre, learner.id));
    }
  });

  it("copies each linked aim's elements done and total from its SA course, restart aims included", function () {
    let restarts = 0;
    for (const learner of eligibleLearners()) {
      const courses = new Map(saBefore.get(learner.smartAssessorId!)!.courses.map((course) => [course.id, course]));
      const holds = coursesAfterRestarts(aimsOf(pre, learner.id));
      for (const aim of aimsOf(post, learner.id)) {
        const previously = aimsOf(pre, learner.id).find((row) => row.id === aim.id)!;
        const course = holds.get(aim.id) ? courses.get(holds.get(aim.id)!) : undefined;
        if (aim.restartOfId !== null && course) restarts += 1;
        expect(aim.saLearnerCourseId, `${aim.aimRef} holds its course after restarts`).to.equal(holds.get(aim.id));
        if (course) {
          expect([aim.elementsDone, aim.elementsTotal], aim.aimRef).to.deep.equal([course.elementsDone, course.elementsTotal]);
        } else {
          expect([aim.elementsDone, aim.elementsTotal], `${aim.aimRef} (no course)`).to.deep.equal([previously.elementsDone, previously.elementsTotal]);
        }
      }
    }
    expect(restarts, 'restart aims that took over a course').to.be.greaterThan(0);
  });

  it('copies actual OTJ hours, and the risk band from Smart Coach where SA has a score', function () {
    let scored = 0;
    for (const learner of eligibleLearners()) {
      const sa = saBefore.get(learner.smartAssessorId!)!;
      const now = learnerByIdent(post, learner.learnerIdent);
      expect(now.actualOtjHours, learner.learnerIdent).to.equal(Math.round(sa.actualOtjHours * 100) / 100);
      if (sa.smartCoach) scored += 1;
      expect(now.riskBand, learner.learnerIdent).to.equal(sa.smartCoach ? RISK_BAND_FOR[sa.smartCoach.riskBand] : learner.riskBand);
    }
    expect(scored, 'learners Smart Coach scored').to.be.greaterThan(0);
  });

  it('makes a review of each mapped session, matched on System ID, and deletes no MIS review', function () {
    let made = 0;
    for (const learner of eligibleLearners()) {
      const mine = post.reviews.filter((review) => review.learnerId === learner.id);
      const earlier = pre.reviews.filter((review) => review.learnerId === learner.id);
      const mapped = saBefore.get(learner.smartAssessorId!)!.sessions.filter((session) => mappings[session.sessionType]);
      expect(mine.length, learner.learnerIdent).to.equal(earlier.length + mapped.length);
      for (const review of earlier)
        expect(
          mine.find((row) => row.id === review.id),
          review.reviewIdent,
        ).to.deep.equal(review);
      for (const session of mapped) {
        const review = mine.find((row) => row.smartAssessorSystemId === session.id);
        const plannedDate = ukDate(session.startTime);
        const officer = post.officers.find((row) => row.additionalId === session.assessorId);
        expect(review, `review of session ${session.id}`).to.not.equal(undefined);
        expect(review, `review of session ${session.id}`).to.deep.include({
          reviewType: mappings[session.sessionType],
          plannedDate,
          actualDate: session.status === 'Attended' ? plannedDate : null,
          officerId: officer?.id ?? null,
          attendedStatus: session.status ? ATTENDED_STATUS_FOR[session.status] : 'Unknown',
          notes: session.comments?.trim() ? session.comments : null,
        });
        made += 1;
      }
      const ignored = saBefore.get(learner.smartAssessorId!)!.sessions.filter((session) => !mappings[session.sessionType]);
      for (const session of ignored)
        expect(
          mine.some((review) => review.smartAssessorSystemId === session.id),
          `ignored session ${session.id}`,
        ).to.equal(false);
    }
    expect(made).to.be.greaterThan(5);
    const theirs = post.reviews.filter((review) => review.learnerId === subjects.sessions.id);
    const bySession = (id: string) => theirs.find((review) => review.smartAssessorSystemId === id);
    expect(bySession(sessions.attended)).to.deep.include({ plannedDate: '2026-07-01', actualDate: '2026-07-01', attendedStatus: 'Attended', notes: 'Portfolio reviewed.' });
    expect(bySession(sessions.open)).to.deep.include({ reviewType: 'IND', attendedStatus: 'Unknown', actualDate: null });
    expect(bySession(sessions.unmapped)).to.equal(undefined);
    expect(bySession(sessions.unknownAssessor)).to.deep.include({ officerId: null, attendedStatus: 'Cancelled', notes: null });
    expect(bySession(sessions.otherOfficer)?.officerId).to.not.equal(null);
  });

  it("pushes the learners' details that differ (ULN and gender too), never a blank, and writes none of them in the MIS", function () {
    for (const learner of eligibleLearners()) {
      const sa = saLearner(learner);
      const was = saBefore.get(learner.smartAssessorId!)!;
      for (const [field, kind] of Object.entries(LEARNER_FIELDS)) {
        const mis = (learner as unknown as Record<string, unknown>)[field];
        const now = (sa as unknown as Record<string, unknown>)[field];
        if (comparable(kind, mis) === null) expect(now, `${learner.learnerIdent} ${field} (blank in the MIS)`).to.equal((was as unknown as Record<string, unknown>)[field]);
        else expect(comparable(kind, now), `${learner.learnerIdent} ${field}`).to.equal(comparable(kind, mis));
      }
      expect(sa.uln, `${learner.learnerIdent} uln`).to.equal(learner.uln ?? was.uln);
      expect(sa.gender, `${learner.learnerIdent} gender`).to.equal(learner.gender ?? was.gender);
      const { riskBand: _riskBand, actualOtjHours: _hours, updatedAt: _updated, ...details } = learner;
      const { riskBand: _r, actualOtjHours: _h, updatedAt: _u, ...detailsAfter } = learnerByIdent(post, learner.learnerIdent);
      expect(detailsAfter, learner.learnerIdent).to.deep.equal(details);
    }
    const details = saLearner(subjects.details);
    expect(details.email)
      .to.equal(learnerByIdent(pre, subjects.details.learnerIdent).email)
      .and.match(/^changed\./);
    expect(details.postcode, 'the same postcode written differently is not sent').to.equal(saBefore.get(subjects.details.smartAssessorId!)!.postcode);
    expect(details.mobile, 'a blank MIS mobile does not clear SA').to.equal(saBefore.get(subjects.details.smartAssessorId!)!.mobile).and.not.equal(null);
    expect(details.address3).to.equal('Old Mill Yard');
    expect(saLearner(subjects.uln).uln).to.equal('1234567899');
  });

  it('sends each linked course the status the ILR calls for, and each learner the status of their aims and breaks', function () {
    const seen = new Set<string>();
    for (const learner of eligibleLearners()) {
      const aims = aimsOf(pre, learner.id);
      const holds = coursesAfterRestarts(aims);
      const sa = saLearner(learner);
      const was = saBefore.get(learner.smartAssessorId!)!;
      for (const aim of aims) {
        const courseId = holds.get(aim.id);
        if (!courseId) continue;
        const course = sa.courses.find((row) => row.id === courseId)!;
        const status = expectedCourseStatus(aim, was.courses.find((row) => row.id === courseId)!.status);
        seen.add(status);
        expect(
          { status: course.status, actualEndDate: course.actualEndDate, completionStatus: course.completionStatus, outcome: course.outcome },
          `${learner.learnerIdent} ${aim.aimRef} → ${courseId}`,
        ).to.deep.equal({ status, actualEndDate: aim.actualEndDate, completionStatus: aim.completionStatus, outcome: aim.outcome });
      }
      const wanted = expectedLearnerStatus(
        aims,
        pre.breaks.filter((pause) => pause.learnerId === learner.id),
      );
      seen.add(`learner ${wanted.status}`);
      expect(sa.status, learner.learnerIdent).to.equal(wanted.status);
      if (wanted.effectiveDate) expect(sa.statusEffectiveDate, learner.learnerIdent).to.equal(wanted.effectiveDate);
    }
    for (const status of [
      'BreakInLearning',
      'Withdrawn',
      'Completed',
      'Gateway',
      'InTraining',
      'learner BreakInLearning',
      'learner Withdrawn',
      'learner Completed',
      'learner Active',
    ]) {
      expect(seen.has(status), `a case of ${status}`).to.equal(true);
    }
    expect(saLearner(subjects.break)).to.include({ status: 'BreakInLearning', statusEffectiveDate: daysBefore(asOf, 10) });
    expect(saLearner(subjects.withdrawal)).to.include({ status: 'Withdrawn', statusEffectiveDate: daysBefore(asOf, 5) });
    expect(saLearner(subjects.completion).status).to.equal('Completed');
    expect(saLearner(subjects.gateway).courses.map((course) => course.status)).to.include('Gateway');
  });

  it('moves learners whose placement changed to that employer, creating it once when SA has none', function () {
    for (const learner of eligibleLearners()) {
      const placement = post.organisations.find((organisation) => organisation.id === learner.placementOrganisationId)!;
      expect(saLearner(learner).employerId, learner.learnerIdent).to.equal(placement.additionalId);
    }
    const created = post.organisations.find((organisation) => organisation.ref === 'ORG-NEW')!;
    const employers = [...harness.simulator.store.employers.values()].filter((employer) => employer.misReference === 'ORG-NEW');
    expect(employers).to.have.length(1);
    expect(created.additionalId).to.equal(employers[0].id);
    expect(employers[0]).to.include({ name: 'Northern Forge Ltd', phone: '0113 496 0123', postcode: 'LS2 7EW', address1: '12 Forge Lane', employerSize: '10-49' });
    expect(saLearner(subjects.moveLinked).employerId).to.not.equal(saBefore.get(subjects.moveLinked.smartAssessorId!)!.employerId);
  });

  it("pulls linked officers' details that differ (never a blank) and pushes linked organisations' (never a blank)", function () {
    const mainOfficers = new Set(eligibleLearners().map((learner) => learner.mainOfficerId));
    for (const officer of pre.officers.filter((row) => row.additionalId && mainOfficers.has(row.id))) {
      const sa = assessorsBefore.get(officer.additionalId!)!;
      const now = post.officers.find((row) => row.id === officer.id)!;
      for (const [field, kind] of Object.entries(OFFICER_FIELDS)) {
        const saValue = (sa as Record<string, unknown>)[field];
        const expected = comparable(kind, saValue) === null ? (officer as unknown as Record<string, unknown>)[field] : saValue;
        expect((now as unknown as Record<string, unknown>)[field], `${officer.ref} ${field}`).to.equal(expected);
      }
    }
    expect(post.officers.some((row) => row.phone === '0113 496 0999')).to.equal(true);
    expect(post.officers.find((row) => row.phone === '0113 496 0999')!.mobile, 'a blank SA mobile does not clear the MIS').to.not.equal(null);

    const placements = new Set(eligibleLearners().map((learner) => learnerByIdent(post, learner.learnerIdent).placementOrganisationId));
    for (const organisation of pre.organisations.filter((row) => row.additionalId && placements.has(row.id))) {
      const employer = harness.simulator.store.employers.get(organisation.additionalId!)! as unknown as Record<string, unknown>;
      const was = employersBefore.get(organisation.additionalId!)!;
      for (const [field, kind] of Object.entries(ORGANISATION_FIELDS)) {
        const mis = (organisation as unknown as Record<string, unknown>)[field];
        if (comparable(kind, mis) === null) expect(employer[field], `${organisation.ref} ${field} (blank in the MIS)`).to.equal(was[field]);
        else expect(comparable(kind, employer[field]), `${organisation.ref} ${field}`).to.equal(comparable(kind, mis));
      }
    }
    const renamed = harness.simulator.store.employers.get(saEmployerOf(subjects.details))!;
    expect(renamed.name.endsWith(' Group')).to.equal(true);
    expect(renamed.website, 'a blank MIS website does not clear SA').to.equal(employersBefore.get(saEmployerOf(subjects.details))!.website);
  });

  function saEmployerOf(learner: MisLearnerRow): string {
    return pre.organisations.find((organisation) => organisation.id === learner.placementOrganisationId)!.additionalId!;
  }

  describe('a second run, with nothing changed since the first', function () {
    let second: RunMeasure;
    let misBefore: MisState;

    before(async function () {
      this.timeout(120_000);
      misBefore = await readMis(harness.db);
      harness.simulator.store.resetCounters();
      second = await harness.runDaily();
    });

    it('sends Smart Assessor no write at all', function () {
      const writes = harness.simulator.store.recorded.filter((request) => WRITE_METHODS.has(request.method) && request.operationId !== 'createToken');
      expect(writes.map((request) => `${request.method} ${request.path}`)).to.deep.equal([]);
    });

    it('records every job as unchanged or skipped, and moves no MIS row', async function () {
      const events = await eventsOf(second.runId);
      expect(events.filter((event) => event.outcome !== 'unchanged' && event.outcome !== 'skipped')).to.deep.equal([]);
      expect(events.every((event) => event.changes.length === 0)).to.equal(true);
      expect(await readMis(harness.db)).to.deep.equal(misBefore);
    });

    it('costs each learner at most 4 Smart Assessor calls (learner, courses, sessions, OTJ), each officer and organisation one', function () {
      const perLearner = new Map<string, string[]>();
      const perRecord = new Map<string, number>();
      for (const request of harness.simulator.store.recorded) {
        const learner = learnerOfPath(request.path);
        if (learner) perLearner.set(learner, [...(perLearner.get(learner) ?? []), request.operationId]);
        else if (request.operationId !== 'createToken') perRecord.set(request.path, (perRecord.get(request.path) ?? 0) + 1);
      }
      const eligible = eligibleLearners();
      for (const learner of eligible) {
        const calls = perLearner.get(learner.smartAssessorId!) ?? [];
        expect(calls.length, `${learner.learnerIdent}: ${calls.join(', ')}`).to.be.at.most(4);
        expect(new Set(calls).size, `${learner.learnerIdent} reads nothing twice`).to.equal(calls.length);
      }
      expect([...perLearner.keys()].sort()).to.deep.equal(eligible.map((learner) => learner.smartAssessorId!).sort());
      expect(
        [...perRecord.values()].every((count) => count === 1),
        JSON.stringify([...perRecord]),
      ).to.equal(true);
      expect(perRecord.has(`/assessors/${saAssessorId(post.officers.find((row) => row.additionalId)!.ref)}`)).to.equal(true);
    });

    it('costs each job at most three database queries: its load, its outcome and, this close to the end of the run, settling it (outcomes and settles shared with the jobs finishing beside it)', async function () {
      const events = await eventsOf(second.runId);
      // One learner has a session whose assessor no MIS officer is: that one review job looks for the officer each run.
      const strangerLookUps = 1;
      // Every outcome within SETTLE_MARGIN of the run's end asks to settle the run after it, and a run this small is all end.
      const settles = events.length;
      const described = `${second.queries} queries for ${events.length} jobs (and ${second.settingsReads} reads of the settings row)`;
      expect(second.queries, described).to.be.at.most(2 * events.length + settles + strangerLookUps);
      expect(second.queries, `${described}: every job loads, and at least one outcome statement and one settle follow`).to.be.at.least(events.length + strangerLookUps + 2);
    });
  });
});
