import { expect } from 'chai';
import { loadLearnerView } from '../../../src/admin/learners/learner-view.js';
import { snapshotKey } from '../../../src/daily/learner-snapshot.js';
import { refreshQualificationLinks } from '../../../src/enrolment/index.js';
import { statusProcessor } from '../../../workers/status.js';
import { isEligible, ukDate } from './expectations.js';
import { openDailyHarness, type DailyHarness } from './harness.js';
import { aimsOf, readMis, type MisLearnerRow } from './mis-state.js';

/**
 * SPEC.md §4 "status (enrolment in step)" over the simulator: after enrolment, new aims,
 * officer changes and revised planned dates and hours reach Smart Assessor, by "Update
 * Learner In Smart Assessor" and by the daily run, each exactly once.
 */

const SECOND_ASSESSOR = 'Second Assessor';
/** Supported in Smart Assessor (the demo catalogue). */
const MATHS = '603/3016/5';
/** Not offered by Smart Assessor until a test adds the course. */
const TEAM_LEADER = 'ST0385';

interface Change {
  record: string;
  field: string;
  from: unknown;
  to: unknown;
  direction: string;
}

interface Event {
  queue: string;
  outcome: string;
  error: string | null;
  changes: Change[];
}

describe('daily synchronisation: enrolment kept in step', function () {
  let harness: DailyHarness;
  const used = new Set<string>();

  before(async function () {
    this.timeout(60_000);
    harness = await openDailyHarness({ learners: 60, seed: 7 });
    expect((await harness.settings.get()).secondAssessorRole).to.equal(SECOND_ASSESSOR);
  });

  beforeEach(function () {
    harness.simulator.store.resetCounters();
  });

  after(async function () {
    await harness?.close();
  });

  const store = () => harness.simulator.store;
  const saLearnerOf = (learner: MisLearnerRow) => store().learners.get(learner.smartAssessorId!)!;
  const today = () => ukDate(Date.now());

  /** Eligible learners with an SA course that no other test of this file has used, `count` of them, in continuing learning unless `anyState`. */
  async function freshLearners(count: number, extra: (learner: MisLearnerRow) => Promise<boolean> | boolean = () => true, anyState = false): Promise<MisLearnerRow[]> {
    const mis = await readMis(harness.db);
    const chosen: MisLearnerRow[] = [];
    for (const learner of mis.learners) {
      if (chosen.length === count) break;
      const aims = aimsOf(mis, learner.id);
      if (used.has(learner.learnerIdent) || !isEligible(learner, aims, today()) || !aims.some((aim) => aim.saLearnerCourseId)) continue;
      if (!anyState && !aims.every((aim) => aim.completionStatus === 1 && aim.actualEndDate === null && aim.restartOfId === null)) continue;
      if (!(await extra(learner))) continue;
      chosen.push(learner);
      used.add(learner.learnerIdent);
    }
    if (chosen.length < count) throw new Error(`the provider has ${chosen.length} learners left for this test, not ${count}`);
    return chosen;
  }
  const freshLearner = async (extra?: (learner: MisLearnerRow) => Promise<boolean> | boolean) => (await freshLearners(1, extra))[0];

  async function eventOf(runId: string, learner: MisLearnerRow, queue: string): Promise<Event> {
    const [event] = await harness.db.query(
      `SELECT queue, outcome, error, changes FROM sync_event WHERE run_id = $1 AND queue = $2 AND subject_type = 'learner' AND subject_ref = $3`,
      [runId, queue, learner.learnerIdent],
    );
    return event;
  }

  const changeList = (event: Event) => event.changes.map((change) => `${change.record} ${change.field}: ${String(change.from)} → ${String(change.to)} (${change.direction})`);

  /** A new aim on a catalogue qualification, continuing, starting a month ago. */
  async function addAim(learner: MisLearnerRow, reference: string, suffix: string): Promise<{ id: number; aimRef: string; startDate: string; plannedEndDate: string }> {
    const [aim] = await harness.db.query(
      `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, completion_status)
       SELECT $2, $1, q.id, $4::date - 30, $4::date + 300, 1 FROM qualification q WHERE q.reference = $3
       RETURNING id, aim_ref AS "aimRef", start_date::text AS "startDate", planned_end_date::text AS "plannedEndDate"`,
      [learner.id, `${learner.learnerIdent}-${suffix}`, reference, today()],
    );
    return aim;
  }

  /** The learner's officers' SA ids: the Main Officer's and the second-assessor-role holder's (null when none or the Main Officer). */
  async function assessorIdsOf(learner: MisLearnerRow): Promise<{ primary: string; secondary: string | null }> {
    const [row] = await harness.db.query(
      `SELECT m.additional_id AS primary,
         (SELECT o.additional_id FROM learner_officer_role r JOIN officer o ON o.id = r.officer_id
          WHERE r.learner_id = l.id AND r.role = $2 AND o.id <> l.main_officer_id) AS secondary
       FROM learner l JOIN officer m ON m.id = l.main_officer_id WHERE l.id = $1`,
      [learner.id, SECOND_ASSESSOR],
    );
    return row;
  }

  const hasSecondAssessor = async (learner: MisLearnerRow) => (await assessorIdsOf(learner)).secondary !== null;

  /**
   * "Update Learner" with the learner's Main Officer a new officer whose email Smart
   * Assessor would refuse; the officer is put back afterwards, so a later test's
   * whole-provider run has nothing to fail. Answers the run.
   */
  async function syncWithUncreatableMainOfficer(learner: MisLearnerRow, officer: { ref: string; firstName: string; email: string }): Promise<string> {
    await harness.db.query(
      `WITH bad AS (INSERT INTO officer (ref, first_name, surname, email) VALUES ($2, $3, 'Dee', $4) RETURNING id)
       UPDATE learner SET main_officer_id = (SELECT id FROM bad) WHERE id = $1`,
      [learner.id, officer.ref, officer.firstName, officer.email],
    );
    try {
      return (await harness.syncLearner(learner.learnerIdent)).runId;
    } finally {
      await harness.db.query(`UPDATE learner SET main_officer_id = $2 WHERE id = $1`, [learner.id, learner.mainOfficerId]);
    }
  }
  const linkedCourses = (learner: MisLearnerRow) => saLearnerOf(learner).courses.filter((course) => course.misReference?.startsWith(`${learner.learnerIdent}-`));

  it('enrols an aim added after enrolment on the SA learner, with the learner’s assessors and the aim ref as misReference, exactly once', async function () {
    const learner = await freshLearner(hasSecondAssessor);
    const assessors = await assessorIdsOf(learner);
    const aim = await addAim(learner, MATHS, 'FS1');
    const [{ courseId }] = await harness.db.query(`SELECT sa_course_id AS "courseId" FROM qualification WHERE reference = $1`, [MATHS]);

    const { runId } = await harness.syncLearner(learner.learnerIdent);

    const created = saLearnerOf(learner).courses.filter((course) => course.misReference === aim.aimRef);
    expect(created).to.have.length(1);
    expect(created[0]).to.deep.include({
      startDate: aim.startDate,
      plannedEndDate: aim.plannedEndDate,
      primaryAssessorId: assessors.primary,
      secondaryAssessorId: assessors.secondary,
    });
    expect(created[0].course.id).to.equal(courseId);
    const [saved] = await harness.db.query(`SELECT sa_learner_course_id AS id FROM learning_aim WHERE id = $1`, [aim.id]);
    expect(saved.id).to.equal(created[0].id);
    const status = await eventOf(runId, learner, 'status');
    expect(status.outcome).to.equal('changed');
    expect(changeList(status)).to.include(`aim ${aim.aimRef} saLearnerCourseId: null → ${created[0].id} (push)`);
    expect(store().counters.byOperation.enrolLearnerOnCourse).to.equal(1);

    store().resetCounters();
    await harness.syncLearner(learner.learnerIdent);
    expect(store().counters.byOperation.enrolLearnerOnCourse ?? 0, 'enrolled once').to.equal(0);
    expect(saLearnerOf(learner).courses.filter((course) => course.misReference === aim.aimRef)).to.have.length(1);
  });

  it('reports an aim Smart Assessor does not support without failing, and enrols it once Refresh Qualification Links links its qualification', async function () {
    const learner = await freshLearner();
    const aim = await addAim(learner, TEAM_LEADER, 'TL1');
    const inSmartAssessor = async () =>
      (await loadLearnerView(harness.db, learner.learnerIdent, today()))!.qualifications.find((row) => row.aimRef === aim.aimRef)!.inSmartAssessor;
    const deps = harness.workerDeps();
    try {
      const { runId } = await harness.syncLearner(learner.learnerIdent);
      expect((await eventOf(runId, learner, 'status')).outcome).to.not.equal('failed');
      expect(store().counters.byOperation.enrolLearnerOnCourse ?? 0).to.equal(0);
      expect(await inSmartAssessor()).to.equal('unsupported');

      const offered = store().addCourse({ qanCode: TEAM_LEADER, title: 'Team Leader or Supervisor (Level 3)' });
      expect((await refreshQualificationLinks(harness.db, await deps.forJob(null).smartAssessor())).linked).to.equal(1);
      expect(await inSmartAssessor()).to.equal('to-enrol');

      const linked = await harness.syncLearner(learner.learnerIdent);
      const created = saLearnerOf(learner).courses.filter((course) => course.misReference === aim.aimRef);
      expect(created.map((course) => course.course.id)).to.deep.equal([offered.id]);
      expect(changeList(await eventOf(linked.runId, learner, 'status'))).to.include(`aim ${aim.aimRef} saLearnerCourseId: null → ${created[0].id} (push)`);
      expect(await inSmartAssessor()).to.equal('enrolled');
    } finally {
      deps.close();
      // The other learners' aims on the qualification stay as the other tests expect them.
      await harness.db.query(`UPDATE qualification SET sa_course_id = NULL WHERE reference = $1`, [TEAM_LEADER]);
    }
  });

  it('makes a changed second-assessor-role holder every course’s secondary assessor, and clears it when the role is removed', async function () {
    const learner = await freshLearner(hasSecondAssessor);
    const before = await assessorIdsOf(learner);
    expect(linkedCourses(learner).map((course) => course.secondaryAssessorId)).to.satisfy((ids: unknown[]) => ids.length > 0 && ids.every((id) => id === before.secondary));
    const deputy = store().createAssessor({ misReference: 'OFF-DEPUTY', firstName: 'Dee', surname: 'Puty', email: 'dee.puty@provider.example' });
    await harness.db.query(
      `WITH deputy AS (INSERT INTO officer (ref, first_name, surname, email, additional_id) VALUES ('OFF-DEPUTY', 'Dee', 'Puty', 'dee.puty@provider.example', $2) RETURNING id)
       UPDATE learner_officer_role SET officer_id = (SELECT id FROM deputy) WHERE learner_id = $1 AND role = $3`,
      [learner.id, deputy.id, SECOND_ASSESSOR],
    );

    const changed = await harness.syncLearner(learner.learnerIdent);
    expect(linkedCourses(learner).map((course) => course.secondaryAssessorId)).to.deep.equal(linkedCourses(learner).map(() => deputy.id));
    expect(changeList(await eventOf(changed.runId, learner, 'status'))).to.include.members(
      linkedCourses(learner).map((course) => `aim ${course.misReference} secondaryAssessorId: ${before.secondary} → ${deputy.id} (push)`),
    );

    await harness.db.query(`DELETE FROM learner_officer_role WHERE learner_id = $1 AND role = $2`, [learner.id, SECOND_ASSESSOR]);
    store().resetCounters();
    const removed = await harness.syncLearner(learner.learnerIdent);
    expect(linkedCourses(learner).map((course) => course.secondaryAssessorId)).to.deep.equal(linkedCourses(learner).map(() => null));
    expect(changeList(await eventOf(removed.runId, learner, 'status'))).to.include.members(
      linkedCourses(learner).map((course) => `aim ${course.misReference} secondaryAssessorId: ${deputy.id} → null (push)`),
    );
    expect(saLearnerOf(learner).assessorId, 'the primary assessor stays').to.equal(before.primary);
  });

  it('sends a revised planned end date to its SA course and a revised planned OTJ figure to the learner’s OTJ', async function () {
    const learner = await freshLearner();
    const [[aim]] = await harness.db.query(
      `UPDATE learning_aim SET planned_end_date = planned_end_date + 45 WHERE id = (SELECT min(id) FROM learning_aim WHERE learner_id = $1 AND sa_learner_course_id IS NOT NULL)
       RETURNING aim_ref AS "aimRef", sa_learner_course_id AS "courseId", planned_end_date::text AS "plannedEndDate", (planned_end_date - 45)::text AS "was"`,
      [learner.id],
    );
    const [[otj]] = await harness.db.query(`UPDATE learner SET planned_otj_hours = planned_otj_hours + 25 WHERE id = $1 RETURNING planned_otj_hours AS hours`, [learner.id]);
    const otjBefore = saLearnerOf(learner).plannedOtjHours;
    expect(otjBefore).to.equal(otj.hours - 25);

    const { runId } = await harness.syncLearner(learner.learnerIdent);

    expect(saLearnerOf(learner).courses.find((course) => course.id === aim.courseId)!.plannedEndDate).to.equal(aim.plannedEndDate);
    expect(saLearnerOf(learner).plannedOtjHours).to.equal(otj.hours);
    expect(changeList(await eventOf(runId, learner, 'status'))).to.include(`aim ${aim.aimRef} plannedEndDate: ${aim.was} → ${aim.plannedEndDate} (push)`);
    expect(changeList(await eventOf(runId, learner, 'otj'))).to.include(`learner ${learner.learnerIdent} plannedOtjHours: ${otjBefore} → ${otj.hours} (push)`);
    const sent = store().recorded.filter((request) => request.method !== 'GET' && request.operationId !== 'createToken');
    expect(sent.filter((request) => request.operationId === 'setLearnerPlannedOtj').map((request) => request.body)).to.deep.equal([{ plannedHours: otj.hours }]);
    const coursePatches = sent.filter((request) => request.operationId === 'updateLearnerCourse' && request.path.endsWith(`/courses/${aim.courseId}`));
    expect(coursePatches.map((request) => (request.body as { plannedEndDate?: string }).plannedEndDate)).to.deep.equal([aim.plannedEndDate]);
  });

  it('costs an unchanged learner no Smart Assessor call beyond the four reads, and no write', async function () {
    // A learner with every kind of thing the rules compare: a second assessor, several aims, one of them unsupported.
    const learner = await freshLearner(
      async (row) => (await hasSecondAssessor(row)) && (await readMis(harness.db)).aims.some((aim) => aim.learnerId === row.id && !aim.saLearnerCourseId),
    );
    await harness.syncLearner(learner.learnerIdent);
    store().resetCounters();

    const { runId } = await harness.syncLearner(learner.learnerIdent);

    const onLearner = store()
      .recorded.filter((request) => request.path.startsWith(`/learners/${learner.smartAssessorId}`))
      .map((request) => request.operationId);
    expect(onLearner.sort()).to.deep.equal(['getLearner', 'getLearnerOtj', 'listLearnerCourses', 'listLearnerSessions']);
    const writes = store().recorded.filter((request) => request.method !== 'GET' && request.operationId !== 'createToken');
    expect(writes.map((request) => `${request.method} ${request.path}`)).to.deep.equal([]);
    const events = (await harness.db.query(`SELECT queue, outcome, changes FROM sync_event WHERE run_id = $1`, [runId])) as Event[];
    expect(events.filter((event) => event.outcome !== 'unchanged' && event.outcome !== 'skipped').map((event) => event.queue)).to.deep.equal([]);
  });

  it('fails the status job naming the officer, field and reason when a new Main Officer cannot be created, and neither creates nor sends an assessor', async function () {
    const learner = await freshLearner();
    const saBefore = structuredClone(saLearnerOf(learner));
    const runId = await syncWithUncreatableMainOfficer(learner, { ref: 'OFF-BAD', firstName: 'Bea', email: 'bea.dee.at.provider' });
    const status = await eventOf(runId, learner, 'status');
    expect(status.outcome).to.equal('failed');
    expect(status.error).to.match(/^officer OFF-BAD: email "bea\.dee\.at\.provider" /);
    expect(store().counters.byOperation.createAssessor ?? 0).to.equal(0);
    const assessorWrites = store().recorded.filter(
      (request) => request.method !== 'GET' && ['assessorId', 'primaryAssessorId', 'secondaryAssessorId'].some((field) => Object.hasOwn((request.body ?? {}) as object, field)),
    );
    expect(assessorWrites, 'no write names an assessor').to.deep.equal([]);
    expect(saLearnerOf(learner).assessorId).to.equal(saBefore.assessorId);
  });

  it('holds back only the assessor change when a new Main Officer cannot be created: a revised planned end date still goes up, then the job fails naming the officer', async function () {
    const learner = await freshLearner();
    const saAssessorBefore = saLearnerOf(learner).assessorId;
    const [[aim]] = await harness.db.query(
      `UPDATE learning_aim SET planned_end_date = planned_end_date + 30 WHERE id = (SELECT min(id) FROM learning_aim WHERE learner_id = $1 AND sa_learner_course_id IS NOT NULL)
       RETURNING aim_ref AS "aimRef", sa_learner_course_id AS "courseId", planned_end_date::text AS "plannedEndDate", (planned_end_date - 30)::text AS "was"`,
      [learner.id],
    );
    const runId = await syncWithUncreatableMainOfficer(learner, { ref: 'OFF-BAD2', firstName: 'Cy', email: 'cy.dee.at.provider' });
    const status = await eventOf(runId, learner, 'status');
    expect(status.outcome).to.equal('failed');
    expect(status.error).to.match(/^officer OFF-BAD2: email "cy\.dee\.at\.provider" /);
    expect(changeList(status), 'what went through is on record').to.include(`aim ${aim.aimRef} plannedEndDate: ${aim.was} → ${aim.plannedEndDate} (push)`);
    expect(saLearnerOf(learner).courses.find((course) => course.id === aim.courseId)!.plannedEndDate).to.equal(aim.plannedEndDate);
    expect(store().counters.byOperation.createAssessor ?? 0, 'the officer held back is not created').to.equal(0);
    expect(saLearnerOf(learner).assessorId, 'the assessor stays as Smart Assessor has it').to.equal(saAssessorBefore);
  });

  it('creates the course once when the status job dies between Smart Assessor creating it and the commit that saves its id', async function () {
    const learner = await freshLearner();
    const aim = await addAim(learner, MATHS, 'FS2');
    const runId = await harness.emptyLearnerRun(learner.id);
    const deps = harness.workerDeps();
    const job = { name: 'learner-status' as const, data: { runId, learnerId: learner.id } };
    try {
      const died = await harness
        .runJob(deps, 'status', statusProcessor, job, { runId, jobId: 'first' }, () => Promise.reject(new Error('the worker died')))
        .then(
          () => null,
          (error: Error) => error.message,
        );
      expect(died).to.equal('the worker died');
      expect(store().counters.byOperation.enrolLearnerOnCourse).to.equal(1);
      const [unsaved] = await harness.db.query(`SELECT sa_learner_course_id AS id FROM learning_aim WHERE id = $1`, [aim.id]);
      expect(unsaved.id, 'the id was never saved').to.equal(null);

      const retried = await harness.runJob(deps, 'status', statusProcessor, job, { runId, jobId: 'retry' });
      expect(retried.outcome).to.equal('changed');
    } finally {
      deps.close();
      await harness.pipeline.redis.del(snapshotKey(runId, learner.smartAssessorId!, 'learner'), snapshotKey(runId, learner.smartAssessorId!, 'courses'));
    }
    const courses = saLearnerOf(learner).courses.filter((course) => course.misReference === aim.aimRef);
    expect(courses, 'one course, found by misReference on the retry').to.have.length(1);
    expect(store().counters.byOperation.enrolLearnerOnCourse, 'no second create was sent').to.equal(1);
    const [saved] = await harness.db.query(`SELECT sa_learner_course_id AS id FROM learning_aim WHERE id = $1`, [aim.id]);
    expect(saved.id).to.equal(courses[0].id);
    const [event] = await harness.db.query(`SELECT changes FROM sync_event WHERE run_id = $1 AND queue = 'status'`, [runId]);
    expect(changeList(event).filter((change) => change.startsWith(`aim ${aim.aimRef} saLearnerCourseId`))).to.deep.equal([
      `aim ${aim.aimRef} saLearnerCourseId: null → ${courses[0].id} (push)`,
    ]);
  });

  it('when an assessor leaves and a new one, unknown to Smart Assessor, takes 30 learners, creates one SA assessor in one run and moves every learner and course to it', async function () {
    this.timeout(120_000);
    const learners = await freshLearners(30, () => true, true);
    const [newcomer] = await harness.db.query(
      `INSERT INTO officer (ref, first_name, surname, email, mobile) VALUES ('OFF-NEW', 'Noor', 'Newman', 'noor.newman@provider.example', '07700 900444') RETURNING id`,
    );
    await harness.db.query(`UPDATE learner SET main_officer_id = $2 WHERE id = ANY($1::int[])`, [learners.map((learner) => learner.id), newcomer.id]);
    const before = new Map(learners.map((learner) => [learner.learnerIdent, saLearnerOf(learner).assessorId]));
    // Two sets of workers with their own clients, ten jobs at once each, and answers of varying delay: the creates race.
    harness.simulator.setFaults({ latencyMs: 2, latencyJitterMs: 25 });
    let runId: string;
    try {
      ({ runId } = await harness.runDaily({ sets: 2, concurrency: 10 }));
    } finally {
      harness.simulator.setFaults({ latencyMs: 0, latencyJitterMs: 0 });
    }

    const made = [...store().assessors.values()].filter((assessor) => assessor.misReference === 'OFF-NEW');
    expect(made, 'one SA assessor for the new officer').to.have.length(1);
    expect(made[0]).to.include({ firstName: 'Noor', surname: 'Newman', email: 'noor.newman@provider.example', mobile: '07700 900444' });
    const [officer] = await harness.db.query(`SELECT additional_id AS "additionalId" FROM officer WHERE id = $1`, [newcomer.id]);
    expect(officer.additionalId).to.equal(made[0].id);
    for (const learner of learners) {
      expect(saLearnerOf(learner).assessorId, learner.learnerIdent).to.equal(made[0].id);
      const courses = linkedCourses(learner);
      expect(courses.length, learner.learnerIdent).to.be.greaterThan(0);
      for (const course of courses) expect(course.primaryAssessorId, `${learner.learnerIdent} ${course.misReference}`).to.equal(made[0].id);
      expect(changeList(await eventOf(runId, learner, 'status')), learner.learnerIdent).to.include(
        `learner ${learner.learnerIdent} assessorId: ${before.get(learner.learnerIdent)} → ${made[0].id} (push)`,
      );
    }
    const [{ saves }] = await harness.db.query(`SELECT count(*)::int AS saves FROM sync_event WHERE changes @> '[{"record": "officer OFF-NEW", "field": "additionalId"}]'`);
    expect(saves, 'one job saved the assessor id, in its learner’s history; the others used it').to.equal(1);
    const failed = await harness.db.query(`SELECT queue, subject_ref AS ref, error FROM sync_event WHERE run_id = $1 AND outcome = 'failed'`, [runId]);
    expect(failed).to.deep.equal([]);
  });
});
