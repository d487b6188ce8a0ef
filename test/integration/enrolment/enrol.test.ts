import { expect } from 'chai';
import { LearningAim, Officer, Organisation, type FieldChange } from '../../../entities/index.js';
import { InvalidDataError, PermanentError } from '../../../src/failure-kinds.js';
import { classifyFailure } from '../../../workers/failure.js';
import { learner, organisation, officer, provider, ENGINEERING } from './fixtures.js';
import { rejectionOf, startTestbed, type Testbed } from './testbed.js';

const CREATES = ['createEmployer', 'createAssessor', 'createLearner', 'enrolLearnerOnCourse'];

describe('enrolment: a learner uploaded to Smart Assessor once, with employer, assessor and qualifications', () => {
  let bed: Testbed;

  beforeEach(async () => {
    bed = await startTestbed();
  });
  afterEach(async () => {
    await bed.close();
  });

  const creates = () => CREATES.filter((operation) => bed.simulator.store.counters.byOperation[operation]);

  it('creates the employer, assessor and learner, enrols the supported aim, sets planned OTJ and saves every id on its MIS record', async () => {
    await bed.load(provider([learner(1)]));

    const result = await bed.enrol('L000001');

    const store = bed.simulator.store;
    expect(store.stats()).to.include({ employers: 1, assessors: 1, learners: 1, learnerCourses: 1 });
    const [employer] = [...store.employers.values()];
    expect(employer).to.include({
      misReference: 'ORG7',
      name: 'ORG7 Engineering Ltd',
      phone: '0113 496 0000',
      edrsNumber: '100000007',
      address1: 'Unit 4',
      address2: 'Mill Lane',
      address4: 'Leeds',
      postcode: 'LS1 4AP',
      website: 'https://acme.example',
      employerSize: '50-249',
    });
    const [assessor] = [...store.assessors.values()];
    expect(assessor).to.include({ misReference: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', phone: '0113 496 0100' });
    const [saLearner] = [...store.learners.values()];
    expect(saLearner).to.include({
      misReference: 'L000001',
      firstName: 'Amira',
      surname: 'Khan1',
      dateOfBirth: '2004-03-09',
      uln: learner(1).uln,
      email: 'amira.khan1@example.org',
      address1: '1 High St',
      address4: 'Leeds',
      postcode: 'LS1 4AP',
      niNumber: 'AB123456C',
      mobile: '07700 900123',
      employerId: employer.id,
      assessorId: assessor.id,
      plannedOtjHours: 278,
    });
    expect(saLearner.courses).to.have.length(1);
    const [course] = saLearner.courses;
    expect(course.course.qanCode).to.equal(ENGINEERING.reference);
    expect(course).to.include({
      misReference: 'L000001-1',
      startDate: '2026-01-05',
      plannedEndDate: '2027-07-05',
      primaryAssessorId: assessor.id,
      secondaryAssessorId: null,
    });

    expect((await bed.db.getRepository(Organisation).findOneByOrFail({ ref: 'ORG7' })).additionalId).to.equal(employer.id);
    expect((await bed.db.getRepository(Officer).findOneByOrFail({ ref: 'OFF2' })).additionalId).to.equal(assessor.id);
    expect((await bed.learner('L000001')).smartAssessorId).to.equal(saLearner.id);
    const aims = await bed.db.getRepository(LearningAim).find({ order: { aimRef: 'ASC' } });
    expect(aims.map((aim) => [aim.aimRef, aim.saLearnerCourseId])).to.deep.equal([
      ['L000001-1', course.id],
      ['L000001-2', null],
    ]);

    expect(result.outcome).to.equal('changed');
    expect(result.changes).to.deep.equal([{ record: 'learner L000001', field: 'plannedOtjHours', from: null, to: 278, direction: 'push' }]);
  });

  it("records every change in the learner's history as it happens, and reports the aim it skipped", async () => {
    await bed.load(provider([learner(1)]));
    await bed.enrol('L000001', 'job-7');

    const events = await bed.history('L000001');
    expect(events.map((event) => [event.queue, event.runId, event.jobId, event.subjectRef])).to.deep.equal(events.map(() => ['enrolment', null, 'job-7', 'L000001']));
    const store = bed.simulator.store;
    const [employer] = [...store.employers.values()];
    const [assessor] = [...store.assessors.values()];
    const [saLearner] = [...store.learners.values()];
    const changes: FieldChange[] = events.filter((event) => event.outcome === 'changed').flatMap((event) => event.changes);
    expect(changes).to.deep.equal([
      { record: 'organisation ORG7', field: 'additionalId', from: null, to: employer.id, direction: 'push' },
      { record: 'officer OFF2', field: 'additionalId', from: null, to: assessor.id, direction: 'push' },
      { record: 'learner L000001', field: 'smartAssessorId', from: null, to: saLearner.id, direction: 'push' },
      { record: 'aim L000001-1', field: 'saLearnerCourseId', from: null, to: saLearner.courses[0].id, direction: 'push' },
      { record: 'learner L000001', field: 'plannedOtjHours', from: null, to: 278, direction: 'push' },
    ]);
    const skipped = events.filter((event) => event.outcome === 'skipped');
    expect(skipped).to.have.length(1);
    expect(skipped[0].error).to.contain('aim L000001-2 (ZPROG001 Apprenticeship programme aim)').and.to.contain('does not support');
  });

  it('links an organisation and officer by their Additional ID, creating neither', async () => {
    await bed.load(provider([learner(1)]));
    const seeded = bed.simulator.store.seed({
      employers: [{ misReference: 'ELSEWHERE-7', name: 'Acme Ltd (SA)' }],
      assessors: [{ misReference: 'ELSEWHERE-2', firstName: 'Sam', surname: 'Patel', email: 'sam@sa.example' }],
    });
    await bed.db.query(`UPDATE organisation SET additional_id = $1 WHERE ref = 'ORG7'`, [seeded.employerIds[0]]);
    await bed.db.query(`UPDATE officer SET additional_id = $1 WHERE ref = 'OFF2'`, [seeded.assessorIds[0]]);

    await bed.enrol('L000001');

    const store = bed.simulator.store;
    expect(store.stats()).to.include({ employers: 1, assessors: 1, learners: 1 });
    expect(store.counters.byOperation).to.include({ getEmployer: 1, getAssessor: 1 });
    expect(creates()).to.deep.equal(['createLearner', 'enrolLearnerOnCourse']);
    const [saLearner] = [...store.learners.values()];
    expect(saLearner).to.include({ employerId: seeded.employerIds[0], assessorId: seeded.assessorIds[0] });
    expect(saLearner.courses[0].primaryAssessorId).to.equal(seeded.assessorIds[0]);
    const recorded = (await bed.history('L000001')).flatMap((event) => event.changes.map((change) => change.record));
    expect(recorded).not.to.include.members(['organisation ORG7', 'officer OFF2']);
  });

  it('fails at once, creating nothing, when Smart Assessor does not know an Additional ID, saying which record to fix', async () => {
    await bed.load(provider([learner(1)], { organisations: [organisation('ORG7', { additionalId: '301' })] }));

    const error = await rejectionOf(bed.enrol('L000001'));

    expect(error).to.be.instanceOf(PermanentError);
    expect(error.message).to.equal('organisation ORG7 has Additional ID 301, which Smart Assessor does not know: correct or clear it');
    expect(classifyFailure(error).kind).to.equal('fail-now');
    expect(bed.simulator.store.stats()).to.include({ employers: 0, assessors: 0, learners: 0 });
    expect((await bed.learner('L000001')).smartAssessorId).to.equal(null);
  });

  it("checks every held id before creating anything: a known employer does not let an unknown officer's id through", async () => {
    await bed.load(provider([learner(1)], { officers: [officer('OFF2', 'Sam', 'Patel', { additionalId: 'asr-88' })] }));
    const [employerId] = bed.simulator.store.seed({ employers: [{ misReference: 'SA-ORG7', name: 'Acme Ltd' }] }).employerIds;
    await bed.db.query(`UPDATE organisation SET additional_id = $1 WHERE ref = 'ORG7'`, [employerId]);

    const error = await rejectionOf(bed.enrol('L000001'));

    expect(error.message).to.equal('officer OFF2 has Additional ID asr-88, which Smart Assessor does not know: correct or clear it');
    expect(creates()).to.deep.equal([]);
    expect(bed.simulator.store.stats()).to.include({ employers: 1, assessors: 0, learners: 0 });
  });

  it("fails at once when Smart Assessor does not know the learner's own Smart Assessor ID, creating nothing", async () => {
    await bed.load(provider([learner(1, { smartAssessorId: 'lrn-404' })]));

    const error = await rejectionOf(bed.enrol('L000001'));

    expect(error.message).to.equal('learner L000001 has Smart Assessor ID lrn-404, which Smart Assessor does not know: correct or clear it');
    expect(creates()).to.deep.equal([]);
  });

  it('fails at once, naming both, when the employer Smart Assessor has for an organisation is linked to another organisation', async () => {
    await bed.load(provider([learner(1)], { organisations: [organisation('ORG7'), organisation('ORG8', { additionalId: 'emp-1' })] }));
    bed.simulator.store.seed({ employers: [{ id: 'emp-1', misReference: 'ORG7', name: 'ORG7 Engineering Ltd' }] });

    const error = await rejectionOf(bed.enrol('L000001'));

    expect(error).to.be.instanceOf(PermanentError);
    expect(error.message).to.equal(
      'organisation ORG7 cannot be linked to Smart Assessor id emp-1: organisation ORG8 already has it as its Additional ID; correct or clear one of them',
    );
    expect((await bed.db.getRepository(Organisation).findOneByOrFail({ ref: 'ORG7' })).additionalId).to.equal(null);
    expect(creates()).to.deep.equal([]);
  });

  it('refuses invalid data field by field, without retry, sending nothing to Smart Assessor', async () => {
    await bed.load(
      provider([
        learner(1, {
          uln: '1234567890',
          niNumber: 'QQ123456Z',
          postcode: 'NOT A CODE',
          email: 'amira@',
          placementOrganisationRef: null,
          mainOfficerRef: null,
        }),
      ]),
    );

    const error = await rejectionOf(bed.enrol('L000001'));

    expect(error).to.be.instanceOf(InvalidDataError);
    const problems = (error as InvalidDataError).problems;
    expect(problems.map((problem) => [problem.record, problem.field, problem.value])).to.deep.equal([
      ['learner L000001', 'email', 'amira@'],
      ['learner L000001', 'uln', '1234567890'],
      ['learner L000001', 'postcode', 'NOT A CODE'],
      ['learner L000001', 'niNumber', 'QQ123456Z'],
      ['learner L000001', 'placementOrganisation', undefined],
      ['learner L000001', 'mainOfficer', undefined],
    ]);
    expect(problems.every((problem) => problem.reason.length > 0)).to.equal(true);
    expect(error.message).to.contain('learner L000001: uln fails the ULN check digit');
    expect(error.message, 'the message goes to logs and Redis: no values').not.to.match(/1234567890|QQ123456Z|NOT A CODE|amira@/);
    expect((error as InvalidDataError).adminDetail).to.contain('learner L000001: uln "1234567890" fails the ULN check digit');
    expect(classifyFailure(error).kind).to.equal('fail-now');
    expect(bed.simulator.store.counters.requests).to.equal(0);
    expect((await bed.learner('L000001')).smartAssessorId).to.equal(null);
  });

  it('sends nothing more when run again after it finished', async () => {
    await bed.load(provider([learner(1)]));
    await bed.enrol('L000001');
    bed.simulator.store.resetCounters();

    const again = await bed.enrol('L000001');

    expect(again).to.deep.include({ outcome: 'unchanged', changes: [] });
    expect(creates()).to.deep.equal([]);
    expect(bed.simulator.store.counters.byOperation.setLearnerPlannedOtj).to.equal(undefined);
    expect(bed.simulator.store.stats()).to.include({ employers: 1, assessors: 1, learners: 1, learnerCourses: 1 });
  });
});
