import { expect } from 'chai';
import { SeedError, type SeedDocument } from '../../../tools/simulator/seed.js';
import { renderLearner, renderLearnerCourse, renderOtj, renderSession } from '../../../tools/simulator/render.js';
import type { SimulatorStore } from '../../../tools/simulator/store.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

function provider(learners: number): SeedDocument {
  return {
    employers: Array.from({ length: 20 }, (_, i) => ({ misReference: `ORG${i}`, name: `Employer ${i} Ltd`, postcode: 'M1 1AE' })),
    assessors: Array.from({ length: 5 }, (_, i) => ({ misReference: `OFF${i}`, firstName: 'Assessor', surname: `Number ${i}`, email: `assessor${i}@provider.example` })),
    learners: Array.from({ length: learners }, (_, i) => ({
      misReference: `L${String(i).padStart(6, '0')}`,
      firstName: 'Learner',
      surname: `Number ${i}`,
      dateOfBirth: '2004-05-06',
      email: `learner${i}@example.com`,
      employerMisReference: `ORG${i % 20}`,
      assessorMisReference: `OFF${i % 5}`,
      plannedOtjHours: 280,
      status: i % 10 === 9 ? ('Withdrawn' as const) : ('Active' as const),
      courses: [
        { qanCode: 'ST0118', misReference: `AIM${i}-1`, startDate: '2024-09-01', plannedEndDate: '2026-03-01', elementsDone: 3 },
        { qanCode: '60330165', misReference: `AIM${i}-2`, startDate: '2024-09-01', plannedEndDate: '2025-09-01' },
      ],
    })),
  };
}

/** What a learner looks like through the API, without the wall-clock times of the run. */
function snapshot(store: SimulatorStore): unknown[] {
  const strip = (value: Record<string, unknown>) => {
    const { updatedAt: _u, createdAt: _c, scoredAt: _s, ...rest } = value;
    return rest;
  };
  return [...store.learners.values()].map((learner) => ({
    learner: strip({ ...renderLearner(learner), smartCoach: learner.smartCoach ? strip({ ...learner.smartCoach }) : null }),
    courses: learner.courses.map((course) => strip({ ...renderLearnerCourse(course, store.today) })),
    sessions: learner.sessions.map((session) => strip({ ...renderSession(session) })),
    otj: strip({ ...renderOtj(learner) }),
  }));
}

describe('simulator seeding and simulated days', () => {
  let simulator: RunningSimulator;

  beforeEach(async () => {
    simulator = await startTestSimulator({ seed: 11, today: '2025-01-06' });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('seeds employers, assessors and enrolled learners with their courses, linked by misReference or id', async () => {
    const result = simulator.store.seed({
      employers: [{ id: 'E-100', misReference: 'ORG-A', name: 'Acme Ltd' }],
      assessors: [{ misReference: 'OFF-A', firstName: 'Priya', surname: 'Shah', email: 'priya@provider.example' }],
      learners: [
        {
          id: 'SA-L1',
          misReference: 'L1',
          firstName: 'Amira',
          surname: 'Khan',
          dateOfBirth: '2004-05-06',
          email: 'amira@example.com',
          employerId: 'E-100',
          assessorMisReference: 'OFF-A',
          plannedOtjHours: 300,
          actualOtjHours: 12.5,
          smartCoach: { riskScore: 0.8, riskBand: 'High' },
          courses: [
            { id: 'LC-1', qanCode: 'ST0118', misReference: 'AIM-1', startDate: '2024-09-01', plannedEndDate: '2026-03-01', elementsDone: 30, status: 'InTraining' },
            {
              courseId: simulator.store.courseByQanCode('60330165')!.id,
              misReference: 'AIM-2',
              startDate: '2024-09-01',
              plannedEndDate: '2025-09-01',
              status: 'Completed',
              actualEndDate: '2025-06-30',
              completionStatus: 2,
              outcome: 1,
            },
          ],
        },
      ],
    });
    expect(result.employerIds).to.deep.equal(['E-100']);
    expect(result.learnerIds).to.deep.equal(['SA-L1']);
    expect(result.learnerCourseIds[0]![0]).to.equal('LC-1');

    const client = clientFor(simulator);
    try {
      const learner = await client.getLearner('SA-L1');
      expect(learner).to.include({ employerId: 'E-100', assessorId: result.assessorIds[0], status: 'Active' });
      expect(learner.smartCoach).to.include({ riskScore: 0.8, riskBand: 'High' });
      const courses = await client.listLearnerCourses('SA-L1');
      expect(courses.map((course) => [course.id, course.qanCode, course.status, course.progress.elementsDone, course.outcome])).to.deep.equal([
        ['LC-1', 'ST0118', 'InTraining', 30, null],
        [result.learnerCourseIds[0]![1], '60330165', 'Completed', 0, 1],
      ]);
      expect(await client.getLearnerOtj('SA-L1')).to.include({ plannedHours: 300, actualHours: 12.5 });
      expect(
        (
          await client.ensureLearner({
            misReference: 'L1',
            firstName: 'A',
            surname: 'K',
            dateOfBirth: '2004-05-06',
            email: 'a@example.com',
            employerId: 'E-100',
            assessorId: result.assessorIds[0]!,
          })
        ).id,
      ).to.equal('SA-L1');
    } finally {
      client.close();
    }
  });

  it('refuses a bad document whole, naming each problem, and writes nothing', () => {
    const before = simulator.store.stats();
    const document: SeedDocument = {
      employers: [{ misReference: 'ORG-A', name: 'Acme Ltd' }],
      learners: [
        { misReference: 'L1', firstName: 'A', surname: 'B', dateOfBirth: '2004-05-06', email: 'a@example.com', employerMisReference: 'ORG-A', assessorMisReference: 'OFF-NONE' },
        { misReference: 'L2', firstName: 'A', surname: 'B', dateOfBirth: '2004-13-06', email: 'not-an-email', employerMisReference: 'ORG-A', assessorId: 'asr-none' },
        {
          misReference: 'L1',
          firstName: 'A',
          surname: 'B',
          dateOfBirth: '2004-05-06',
          email: 'c@example.com',
          employerId: 'emp-none',
          assessorId: 'asr-none',
          courses: [{ qanCode: 'NOPE', misReference: 'AIM', startDate: '2024-09-01', plannedEndDate: '2026-03-01' }],
        },
      ],
    };
    let caught: unknown;
    try {
      simulator.store.seed(document);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(SeedError);
    const text = (caught as SeedError).problems.join('\n');
    expect(text).to.contain('learners[0].assessor misReference "OFF-NONE"');
    expect(text).to.contain('learners[1].dateOfBirth');
    expect(text).to.contain('learners[1].email');
    expect(text).to.contain('learners[2].misReference "L1" is already taken');
    expect(text).to.contain('learners[2].employer id "emp-none"');
    expect(text).to.contain('learners[2].courses[0] names no course');
    expect(simulator.store.stats()).to.deep.equal(before);
  });

  it('seeds thousands of enrolled learners in one call', () => {
    const result = simulator.store.seed(provider(5_000));
    expect(result.learnerIds).to.have.length(5_000);
    expect(new Set(result.learnerIds).size).to.equal(5_000);
    expect(simulator.store.stats()).to.include({ learners: 5_000, learnerCourses: 10_000, employers: 20, assessors: 5 });
  });

  it('advances a day: progress, sessions booked and closed, OTJ logged, scores changed, for active learners only', async () => {
    simulator.store.seed(provider(300));
    const withdrawn = [...simulator.store.learners.values()].filter((learner) => learner.status === 'Withdrawn');
    const withdrawnBefore = JSON.stringify(withdrawn);
    const days = Array.from({ length: 15 }, () => simulator.store.advanceDay());
    expect(days[0]!.day).to.equal('2025-01-06');
    expect(simulator.store.today).to.equal('2025-01-21');
    expect(days.every((day) => day.learners === 270)).to.equal(true);
    expect(days.reduce((sum, day) => sum + day.coursesProgressed, 0)).to.be.greaterThan(0);

    const active = [...simulator.store.learners.values()].filter((learner) => learner.status === 'Active');
    const sessions = active.flatMap((learner) => learner.sessions.map((session) => ({ session, learner })));
    const closed = sessions.filter(({ session }) => session.status !== null);
    expect(new Set(closed.map(({ session }) => session.status))).to.deep.equal(new Set(['Attended', 'NotAttended', 'Cancelled']));
    expect(closed.every(({ session, learner }) => session.assessorId === learner.assessorId && typeof session.comments === 'string')).to.equal(true);
    expect(new Set(sessions.map(({ session }) => session.sessionType)).size).to.be.at.least(4);
    expect(active.some((learner) => learner.actualOtjHours > 0)).to.equal(true);
    expect(active.some((learner) => learner.smartCoach !== null)).to.equal(true);
    expect(active.some((learner) => learner.courses.some((course) => course.elementsDone > 3))).to.equal(true);
    expect(JSON.stringify(withdrawn)).to.equal(withdrawnBefore);

    const client = clientFor(simulator);
    try {
      const { learner } = closed[0]!;
      const fromApi = await client.listLearnerSessions(learner.id);
      expect(fromApi.filter((session) => session.status !== null).map((session) => session.id)).to.include(closed[0]!.session.id);
      expect((await client.getLearnerOtj(learner.id)).actualHours).to.equal(learner.actualOtjHours);
    } finally {
      client.close();
    }
  });

  it('gives the same days for the same seed', async () => {
    const twin = await startTestSimulator({ seed: 11, today: '2025-01-06' });
    const other = await startTestSimulator({ seed: 12, today: '2025-01-06' });
    try {
      for (const each of [simulator, twin, other]) {
        each.store.seed(provider(100));
        for (let day = 0; day < 5; day += 1) each.store.advanceDay();
      }
      expect(snapshot(twin.store)).to.deep.equal(snapshot(simulator.store));
      expect(snapshot(other.store)).not.to.deep.equal(snapshot(simulator.store));
    } finally {
      await twin.close();
      await other.close();
    }
  });
});
