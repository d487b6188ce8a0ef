import { expect } from 'chai';
import { loadContract } from '../../../src/smart-assessor/contract.js';
import type { SimulatorCredentials } from '../../../tools/simulator/server.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { expectContractAnswer, raw, tokenFor } from './raw-http.js';

interface Sample {
  path: string;
  body?: unknown;
  /** A body the contract forbids. */
  badBody?: unknown;
  /** A query the contract forbids. */
  badQuery?: string;
  /** The same request for a record that is not there. */
  missingPath?: string;
  /** A create whose misReference is taken. */
  duplicateBody?: unknown;
}

interface SampleContext {
  credentials: SimulatorCredentials;
  ids: { employer: string; assessor: string; learner: string; learnerCourse: string; course: string };
  fresh(prefix: string): string;
}

/** One request per operation of the contract, and the ways it can be refused. */
const SAMPLES: Record<string, (context: SampleContext) => Sample> = {
  createToken: ({ credentials }) => ({ path: '/auth/token', body: credentials, badBody: { username: 'someone' } }),
  getSite: () => ({ path: '/site' }),
  listCourses: () => ({ path: '/courses?qanCode=ST0118&page=1&pageSize=5', badQuery: '/courses?pageSize=0' }),
  listEmployers: () => ({ path: '/employers?name=north&edrsNumber=123456789&page=1', badQuery: '/employers?misref=x' }),
  createEmployer: ({ fresh }) => ({
    path: '/employers',
    body: { misReference: fresh('ORG'), name: 'Eastwind Ltd', phone: null, postcode: 'M1 1AE' },
    badBody: { misReference: '', name: 'Eastwind Ltd', phone: 7 },
    duplicateBody: { misReference: 'ORG-SEED', name: 'Again Ltd' },
  }),
  getEmployer: ({ ids }) => ({ path: `/employers/${ids.employer}`, missingPath: '/employers/emp-none' }),
  updateEmployer: ({ ids }) => ({ path: `/employers/${ids.employer}`, body: { website: null, employerSize: '10-49' }, badBody: { name: '' }, missingPath: '/employers/emp-none' }),
  listAssessors: () => ({ path: '/assessors?email=PRIYA.SHAH@provider.example&pageSize=500', badQuery: '/assessors?pageSize=501' }),
  createAssessor: ({ fresh }) => ({
    path: '/assessors',
    body: { misReference: fresh('OFF'), firstName: 'Sam', surname: 'Ola', email: 'sam.ola@provider.example', mobile: null },
    badBody: { misReference: 'OFF-X', firstName: 'Sam', surname: 'Ola', email: 'not an email' },
    duplicateBody: { misReference: 'OFF-SEED', firstName: 'Sam', surname: 'Ola', email: 'sam@provider.example' },
  }),
  getAssessor: ({ ids }) => ({ path: `/assessors/${ids.assessor}`, missingPath: '/assessors/asr-none' }),
  updateAssessor: ({ ids }) => ({ path: `/assessors/${ids.assessor}`, body: { phone: null }, badBody: { firstName: null }, missingPath: '/assessors/asr-none' }),
  listLearners: () => ({ path: '/learners?misReference=L-SEED', badQuery: '/learners?page=first' }),
  createLearner: ({ ids, fresh }) => {
    const learner = { firstName: 'Jo', surname: 'Bloggs', dateOfBirth: '2003-03-03', email: 'jo.bloggs@example.com', employerId: ids.employer, assessorId: ids.assessor };
    return {
      path: '/learners',
      body: { ...learner, misReference: fresh('L'), gender: null, sendWelcomeEmail: false },
      badBody: { ...learner, misReference: 'L-X', dateOfBirth: '2003-02-30', uln: '12' },
      duplicateBody: { ...learner, misReference: 'L-SEED' },
    };
  },
  getLearner: ({ ids }) => ({ path: `/learners/${ids.learner}`, missingPath: '/learners/lrn-none' }),
  updateLearner: ({ ids }) => ({
    path: `/learners/${ids.learner}`,
    body: { status: 'BreakInLearning', statusEffectiveDate: '2025-02-01', mobile: null },
    badBody: { status: 'Paused' },
    missingPath: '/learners/lrn-none',
  }),
  listLearnerCourses: ({ ids }) => ({ path: `/learners/${ids.learner}/courses`, missingPath: '/learners/lrn-none/courses' }),
  enrolLearnerOnCourse: ({ ids, fresh }) => {
    const enrolment = { courseId: ids.course, startDate: '2025-01-06', plannedEndDate: '2026-01-06', primaryAssessorId: ids.assessor };
    return {
      path: `/learners/${ids.learner}/courses`,
      body: { ...enrolment, misReference: fresh('AIM'), secondaryAssessorId: null },
      badBody: { ...enrolment, misReference: 'AIM-X', colour: 'blue' },
      missingPath: '/learners/lrn-none/courses',
      duplicateBody: { ...enrolment, misReference: 'AIM-SEED' },
    };
  },
  updateLearnerCourse: ({ ids }) => ({
    path: `/learners/${ids.learner}/courses/${ids.learnerCourse}`,
    body: { status: 'Gateway', completionStatus: 2, outcome: 8, actualEndDate: null },
    badBody: { completionStatus: 4 },
    missingPath: `/learners/${ids.learner}/courses/lc-none`,
  }),
  listLearnerSessions: ({ ids }) => ({
    path: `/learners/${ids.learner}/sessions?updatedSince=2020-01-01T00:00:00Z&pageSize=50`,
    badQuery: `/learners/${ids.learner}/sessions?updatedSince=last-week`,
    missingPath: '/learners/lrn-none/sessions',
  }),
  getLearnerOtj: ({ ids }) => ({ path: `/learners/${ids.learner}/otj`, missingPath: '/learners/lrn-none/otj' }),
  setLearnerPlannedOtj: ({ ids }) => ({
    path: `/learners/${ids.learner}/otj`,
    body: { plannedHours: 280 },
    badBody: { plannedHours: 10_000 },
    missingPath: '/learners/lrn-none/otj',
  }),
};

/** Which refusals an operation's sample has, known before the simulator starts. */
const SHAPE_CONTEXT: SampleContext = {
  credentials: { username: 'u', password: 'p', clientKey: 'k' },
  ids: { employer: 'e', assessor: 'a', learner: 'l', learnerCourse: 'lc', course: 'c' },
  fresh: (prefix) => prefix,
};

/**
 * Every operation of the contract, answered by the simulator over HTTP in each way the
 * contract declares for it (and a bad query where it has one), every answer checked
 * against the OpenAPI file itself with ajv. The simulator's faults are judged the same
 * way: a malformed answer must break the file, everything else must keep to it.
 */
describe('simulator answers keep to contracts/smart-assessor-api.yaml', () => {
  const contract = loadContract();
  let simulator: RunningSimulator;
  let token: string;
  let context: SampleContext;
  const sample = (operationId: string): Sample => SAMPLES[operationId]!(context);

  before(async () => {
    simulator = await startTestSimulator({ seed: 7 });
    const seeded = simulator.store.seed({
      employers: [{ misReference: 'ORG-SEED', name: 'Northwind Engineering Ltd', edrsNumber: '123456789' }],
      assessors: [{ misReference: 'OFF-SEED', firstName: 'Priya', surname: 'Shah', email: 'priya.shah@provider.example' }],
      learners: [
        {
          misReference: 'L-SEED',
          firstName: 'Amira',
          surname: 'Khan',
          dateOfBirth: '2004-05-06',
          email: 'amira.khan@example.com',
          employerMisReference: 'ORG-SEED',
          assessorMisReference: 'OFF-SEED',
          smartCoach: { riskScore: 0.2, riskBand: 'Low' },
          courses: [{ qanCode: 'ST0118', misReference: 'AIM-SEED', startDate: '2024-09-01', plannedEndDate: '2026-03-01', elementsDone: 5 }],
        },
      ],
    });
    let counter = 0;
    context = {
      credentials: simulator.credentials,
      ids: {
        employer: seeded.employerIds[0]!,
        assessor: seeded.assessorIds[0]!,
        learner: seeded.learnerIds[0]!,
        learnerCourse: seeded.learnerCourseIds[0]![0]!,
        course: simulator.store.courseByQanCode('ST0457')!.id,
      },
      fresh: (prefix) => `${prefix}-${(counter += 1)}`,
    };
    for (let day = 0; day < 20; day += 1) simulator.store.advanceDay();
    simulator.store.addSession(context.ids.learner, { startTime: '2025-01-06T10:00:00Z', status: 'Attended', comments: 'Reviewed', sessionType: 'FormalReview' });
    token = await tokenFor(simulator);
  });

  after(async () => {
    await simulator.close();
  });

  it('has a sample request for every operation in the file', () => {
    expect(Object.keys(SAMPLES).sort()).to.deep.equal([...contract.operations.keys()].sort());
  });

  for (const operation of loadContract().operations.values()) {
    const { operationId, method } = operation;
    const shape = SAMPLES[operationId]?.(SHAPE_CONTEXT) ?? { path: '' };
    const auth = () => (operation.requiresAuth ? token : undefined);

    it(`${operationId}: the success answer (${operation.successStatus})`, async () => {
      const { path, body } = sample(operationId);
      expectContractAnswer(operationId, await raw(simulator, method, path, { token: auth(), body }), operation.successStatus);
    });

    it(`${operationId}: 401 without a valid token or credentials`, async () => {
      const { path, body } = sample(operationId);
      const answer =
        operationId === 'createToken'
          ? await raw(simulator, method, path, { body: { ...simulator.credentials, clientKey: 'wrong' } })
          : await raw(simulator, method, path, { token: 'expired-or-unknown', body });
      expectContractAnswer(operationId, answer, 401);
      expect(answer.body.error.code).to.equal('unauthorized');
    });

    it(`${operationId}: 429 with Retry-After, and 500, when those faults are set`, async () => {
      const { path, body } = sample(operationId);
      try {
        simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 4, operations: [operationId] });
        const limited = await raw(simulator, method, path, { token: auth(), body });
        expectContractAnswer(operationId, limited, 429);
        expect(limited.headers.get('retry-after')).to.equal('4');
        simulator.setFaults({ rateLimitRate: 0, errorRate: 1 });
        const failed = await raw(simulator, method, path, { token: auth(), body });
        expectContractAnswer(operationId, failed, 500);
        expect(failed.body.error.code).to.equal('internal');
      } finally {
        simulator.setFaults({ rateLimitRate: 0, errorRate: 0, operations: null });
      }
    });

    it(`${operationId}: a malformed answer, when that fault is set, breaks the file`, async () => {
      const { path, body } = sample(operationId);
      simulator.setFaults({ malformedRate: 1, operations: [operationId] });
      try {
        const answer = await raw(simulator, method, path, { token: auth(), body });
        expect(answer.status).to.equal(operation.successStatus);
        expect(contract.checkResponse(operationId, answer.status, answer.body)).not.to.deep.equal([]);
      } finally {
        simulator.setFaults({ malformedRate: 0, operations: null });
      }
    });

    if (shape.badBody !== undefined) {
      it(`${operationId}: 400 validation_failed naming each field the file forbids`, async () => {
        const { path, badBody } = sample(operationId);
        const answer = await raw(simulator, method, path, { token: auth(), body: badBody });
        expectContractAnswer(operationId, answer, 400);
        expect(answer.body.error.code).to.equal('validation_failed');
        expect(Object.keys(answer.body.error.details.fields).length).to.be.at.least(1);
      });
    }

    if (shape.badQuery !== undefined) {
      it(`${operationId}: 400 for a query the file forbids`, async () => {
        const answer = await raw(simulator, method, sample(operationId).badQuery!, { token: auth() });
        expectContractAnswer(operationId, answer, 400);
        expect(answer.body.error.details.fields).to.be.an('object');
      });
    }

    if (shape.missingPath !== undefined) {
      it(`${operationId}: 404 not_found for a record that is not there`, async () => {
        const { missingPath, body } = sample(operationId);
        const answer = await raw(simulator, method, missingPath!, { token: auth(), body });
        expectContractAnswer(operationId, answer, 404);
        expect(answer.body.error.code).to.equal('not_found');
      });
    }

    if (shape.duplicateBody !== undefined) {
      it(`${operationId}: 409 duplicate with details.existingId for a taken misReference`, async () => {
        const { path, duplicateBody } = sample(operationId);
        const answer = await raw(simulator, method, path, { token: auth(), body: duplicateBody });
        expectContractAnswer(operationId, answer, 409);
        expect(answer.body.error.code).to.equal('duplicate');
        expect(answer.body.error.details.existingId).to.be.a('string').and.not.equal('');
      });
    }
  }

  it("answers 503 unavailable in an outage, in the contract's Error shape", async () => {
    simulator.setFaults({ outageUntil: Date.now() + 60_000 });
    try {
      const answer = await raw(simulator, 'GET', '/site', { token });
      expectContractAnswer('getSite', answer, 503);
      expect(answer.body.error.code).to.equal('unavailable');
      expect(Number(answer.headers.get('retry-after'))).to.be.within(1, 60);
    } finally {
      simulator.setFaults({ outageUntil: null });
    }
  });

  it('refuses a body that is not JSON', async () => {
    const answer = await raw(simulator, 'POST', '/employers', { token, rawBody: '{"misReference":' });
    expectContractAnswer('createEmployer', answer, 400);
    expect(answer.body.error.details.fields).to.have.property('(body)');
  });
});
