import { expect } from 'chai';
import { normaliseQualificationReference } from '../../../src/sync/normalise.js';
import { DEMO_QUALIFICATIONS } from '../../../tools/demo/catalogue.js';
import type { SmartAssessorClient, SmartAssessorRequestEvent } from '../../../src/smart-assessor/client.js';
import { loadContract } from '../../../src/smart-assessor/contract.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

/**
 * Every operation of the client against the simulator over real HTTP. The simulator
 * records each request, and at the end every one is checked against the contract file,
 * so the client cannot send what the contract does not allow.
 */
describe('Smart Assessor client: every operation against the simulator', () => {
  let simulator: RunningSimulator;
  let client: SmartAssessorClient;
  const events: SmartAssessorRequestEvent[] = [];

  before(async () => {
    simulator = await startTestSimulator({ recordRequests: true });
    client = clientFor(simulator, { onRequest: (event) => events.push(event) });
  });

  after(async () => {
    client.close();
    await simulator.close();
  });

  let employerId: string;
  let assessorId: string;
  let secondAssessorId: string;
  let learnerId: string;
  let learnerCourseId: string;

  it('getSite: the site name, API version and rate limit', async () => {
    const site = await client.getSite();
    expect(site).to.deep.equal({ siteName: 'Smart Assessor Simulator', apiVersion: '1.0.0', rateLimitPerMinute: 1_000_000 });
  });

  it("listCourses: every supported catalogue qualification by normalised reference, plus the site's own", async () => {
    const courses = await client.listCourses();
    const qanCodes = courses.map((course) => course.qanCode);
    for (const qualification of DEMO_QUALIFICATIONS) {
      const code = normaliseQualificationReference(qualification.reference);
      if (qualification.supportedInSmartAssessor) expect(qanCodes, qualification.reference).to.include(code);
      else expect(qanCodes, qualification.reference).not.to.include(code);
    }
    const catalogue = new Set(DEMO_QUALIFICATIONS.map((q) => normaliseQualificationReference(q.reference)));
    expect(qanCodes.filter((code) => !catalogue.has(code)).length).to.be.at.least(2);
    const filtered = await client.listCourses({ qanCode: '60330165' });
    expect(filtered.map((course) => course.title)).to.deep.equal(['Functional Skills Qualification in Mathematics at Level 2']);
  });

  it('listCourses: reads every page of a long catalogue', async () => {
    for (let i = 0; i < 1_100; i += 1) simulator.store.addCourse({ qanCode: `EXTRA${i}`, title: `Extra course ${i}` });
    const before = simulator.store.counters.byOperation.listCourses ?? 0;
    const courses = await client.listCourses();
    expect(courses).to.have.length(simulator.store.courses.size);
    expect(new Set(courses.map((course) => course.id)).size).to.equal(courses.length);
    expect((simulator.store.counters.byOperation.listCourses ?? 0) - before).to.equal(3);
  });

  it('ensureEmployer: creates when absent, finds by misReference when present', async () => {
    const body = { misReference: 'ORG-1', name: 'Northwind Engineering Ltd', phone: '0161 496 0000', edrsNumber: '123456789', postcode: 'M1 1AE', employerSize: '50-249' };
    const first = await client.ensureEmployer(body);
    expect(first.created).to.equal(true);
    const creates = simulator.store.counters.byOperation.createEmployer;
    const second = await client.ensureEmployer(body);
    expect(second).to.deep.equal({ id: first.id, created: false });
    expect(simulator.store.counters.byOperation.createEmployer).to.equal(creates);
    employerId = first.id;
  });

  it('listEmployers, getEmployer, updateEmployer: filters, one record, a partial change with null clearing', async () => {
    await client.ensureEmployer({ misReference: 'ORG-2', name: 'Southwind Care Homes', edrsNumber: '987654321' });
    expect((await client.listEmployers({ name: 'WIND' })).totalItems).to.equal(2);
    expect((await client.listEmployers({ edrsNumber: '987654321' })).items.map((e) => e.misReference)).to.deep.equal(['ORG-2']);
    expect((await client.listEmployers({ misReference: 'ORG-1' })).items.map((e) => e.id)).to.deep.equal([employerId]);
    const paged = await client.listEmployers({ page: 2, pageSize: 1 });
    expect(paged).to.include({ page: 2, pageSize: 1, totalItems: 2 });
    expect(paged.items).to.have.length(1);

    expect((await client.getEmployer(employerId)).name).to.equal('Northwind Engineering Ltd');
    const updated = await client.updateEmployer(employerId, { phone: null, website: 'https://northwind.example' });
    expect(updated).to.include({ name: 'Northwind Engineering Ltd', phone: null, website: 'https://northwind.example', edrsNumber: '123456789' });
  });

  it('ensureAssessor, listAssessors, getAssessor, updateAssessor', async () => {
    const made = await client.ensureAssessor({ misReference: 'OFF-1', firstName: 'Priya', surname: 'Shah', email: 'Priya.Shah@provider.example' });
    expect(made.created).to.equal(true);
    assessorId = made.id;
    secondAssessorId = (await client.ensureAssessor({ misReference: 'OFF-2', firstName: 'Tom', surname: 'Reid', email: 'tom.reid@provider.example' })).id;
    expect(await client.ensureAssessor({ misReference: 'OFF-1', firstName: 'Priya', surname: 'Shah', email: 'priya.shah@provider.example' })).to.deep.equal({
      id: assessorId,
      created: false,
    });
    expect((await client.listAssessors({ email: 'priya.shah@PROVIDER.example' })).items.map((a) => a.id)).to.deep.equal([assessorId]);
    expect((await client.getAssessor(assessorId)).surname).to.equal('Shah');
    expect(await client.updateAssessor(assessorId, { mobile: '07700 900123' })).to.include({ mobile: '07700 900123', firstName: 'Priya' });
  });

  it('ensureLearner, listLearners, getLearner, updateLearner', async () => {
    const body = {
      misReference: 'L000123',
      firstName: 'Amira',
      surname: 'Khan',
      dateOfBirth: '2004-05-06',
      email: 'amira.khan@example.com',
      uln: '1000000004',
      postcode: 'M1 1AE',
      employerId,
      assessorId,
      studentId: 'LRN-77',
      sendWelcomeEmail: true,
    };
    const made = await client.ensureLearner(body);
    expect(made.created).to.equal(true);
    learnerId = made.id;
    expect(await client.ensureLearner(body)).to.deep.equal({ id: learnerId, created: false });
    expect(simulator.store.counters.welcomeEmails).to.equal(1);
    expect((await client.listLearners({ uln: '1000000004' })).items.map((l) => l.id)).to.deep.equal([learnerId]);
    const learner = await client.getLearner(learnerId);
    expect(learner).to.include({ misReference: 'L000123', studentId: 'LRN-77', status: 'Active', smartCoach: null, employerId, assessorId });
    const changed = await client.updateLearner(learnerId, { status: 'BreakInLearning', statusEffectiveDate: '2025-01-10', postcode: null, mobile: '07700 900456' });
    expect(changed).to.include({ status: 'BreakInLearning', statusEffectiveDate: '2025-01-10', postcode: null, mobile: '07700 900456', firstName: 'Amira' });
  });

  it('ensureLearnerCourse, listLearnerCourses, updateLearnerCourse', async () => {
    const course = (await client.listCourses({ qanCode: 'ST0118' }))[0]!;
    const body = {
      courseId: course.id,
      misReference: 'AIM-9',
      startDate: '2024-09-01',
      plannedEndDate: '2026-03-01',
      primaryAssessorId: assessorId,
      secondaryAssessorId: secondAssessorId,
    };
    const made = await client.ensureLearnerCourse(learnerId, body);
    expect(made.created).to.equal(true);
    learnerCourseId = made.id;
    expect(await client.ensureLearnerCourse(learnerId, body)).to.deep.equal({ id: learnerCourseId, created: false });
    const [listed] = await client.listLearnerCourses(learnerId);
    expect(listed).to.include({
      id: learnerCourseId,
      courseId: course.id,
      qanCode: 'ST0118',
      misReference: 'AIM-9',
      status: 'AwaitingInduction',
      secondaryAssessorId: secondAssessorId,
    });
    expect(listed!.progress).to.include({ elementsDone: 0 });
    const updated = await client.updateLearnerCourse(learnerId, learnerCourseId, {
      status: 'Completed',
      actualEndDate: '2025-12-01',
      completionStatus: 2,
      outcome: 1,
      secondaryAssessorId: null,
    });
    expect(updated).to.include({ status: 'Completed', actualEndDate: '2025-12-01', completionStatus: 2, outcome: 1, secondaryAssessorId: null });
  });

  it('listLearnerSessions: every page, in order of change, and only those changed since a time', async () => {
    const early = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < 620; i += 1) {
      simulator.store.addSession(learnerId, { startTime: early + i * 3_600_000, status: i % 3 === 0 ? 'Attended' : null, comments: `session ${i}` }, early + i * 1000);
    }
    const sessions = await client.listLearnerSessions(learnerId);
    expect(sessions).to.have.length(620);
    expect(sessions.map((s) => s.comments)).to.deep.equal(Array.from({ length: 620 }, (_, i) => `session ${i}`));
    const recent = await client.listLearnerSessions(learnerId, { updatedSince: new Date(early + 600_000).toISOString() });
    expect(recent.map((s) => s.comments)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `session ${600 + i}`));
  });

  it('getLearnerOtj and setLearnerPlannedOtj', async () => {
    expect(await client.getLearnerOtj(learnerId)).to.include({ plannedHours: null, actualHours: 0 });
    expect(await client.setLearnerPlannedOtj(learnerId, 312)).to.include({ plannedHours: 312 });
    expect((await client.getLearnerOtj(learnerId)).plannedHours).to.equal(312);
  });

  it('reported every request it sent to onRequest, token request included', () => {
    expect(events.length).to.equal(simulator.store.counters.requests);
    expect(events.filter((event) => event.operation === 'createToken')).to.have.length(1);
    expect(events.every((event) => typeof event.status === 'number' && event.ms >= 0)).to.equal(true);
    const operations = new Set(events.map((event) => event.operation));
    expect([...loadContract().operations.keys()].filter((id) => !operations.has(id))).to.deep.equal([]);
  });

  it('sent only requests the contract file allows', () => {
    const contract = loadContract();
    expect(simulator.store.recorded.length).to.equal(simulator.store.counters.requests);
    for (const request of simulator.store.recorded) {
      const where = `${request.method} ${request.path}`;
      expect(contract.checkQuery(request.operationId, request.query).problems, where).to.deep.equal([]);
      expect(contract.checkRequestBody(request.operationId, request.body), where).to.deep.equal([]);
      expect(request.status, where).to.be.within(200, 299);
    }
  });
});
