import { expect } from 'chai';
import { enrolmentPreview, type EnrolmentPreview } from '../../../src/enrolment/index.js';
import { LearnerNotFoundError } from '../../../src/runs/run-refusals.js';
import { learner, officer, provider, SECOND_ASSESSOR_ROLE, uln } from './fixtures.js';
import { rejectionOf, startTestbed, type Testbed } from './testbed.js';

describe('enrolment preview', () => {
  let bed: Testbed;

  beforeEach(async () => {
    bed = await startTestbed();
  });
  afterEach(async () => {
    await bed.close();
  });

  it('shows what will be sent: the learner, the employer and assessors to link or create, and each qualification with its support', async () => {
    const withSecondAssessor = learner(1, { officerRoles: [{ role: SECOND_ASSESSOR_ROLE, officerRef: 'OFF9' }] });
    await bed.load(provider([withSecondAssessor], { officers: [officer('OFF2', 'Sam', 'Patel'), officer('OFF9', 'Ria', 'Quinn', { additionalId: 'asr-9' })] }), {
      setStudentIdToLrn: true,
      updateLearnerGender: true,
      sendLearnerWelcomeEmail: true,
      secondAssessorRole: SECOND_ASSESSOR_ROLE,
    });
    const [courseId] = await bed.db.query(`SELECT sa_course_id FROM qualification WHERE reference = 'ST0457'`);

    const preview = await enrolmentPreview(bed.db, 'L000001');

    expect(preview).to.deep.equal({
      learnerIdent: 'L000001',
      alreadyEnrolled: false,
      smartAssessorId: null,
      learner: {
        misReference: 'L000001',
        firstName: 'Amira',
        surname: 'Khan1',
        dateOfBirth: '2004-03-09',
        email: 'amira.khan1@example.org',
        uln: uln(1),
        address1: '1 High St',
        address4: 'Leeds',
        postcode: 'LS1 4AP',
        niNumber: 'AB123456C',
        mobile: '07700 900123',
        studentId: 'LRN1',
        gender: 'Female',
        sendWelcomeEmail: true,
      },
      startDate: '2026-01-05',
      employer: { ref: 'ORG7', name: 'ORG7 Engineering Ltd', action: 'create', smartAssessorId: null },
      assessor: { ref: 'OFF2', name: 'Sam Patel', email: 'sam.patel@provider.example', action: 'create', smartAssessorId: null },
      secondAssessor: { ref: 'OFF9', name: 'Ria Quinn', email: 'ria.quinn@provider.example', action: 'link', smartAssessorId: 'asr-9', role: SECOND_ASSESSOR_ROLE },
      qualifications: [
        {
          aimRef: 'L000001-1',
          reference: 'ST0457',
          title: 'Engineering Technician (Level 3)',
          startDate: '2026-01-05',
          plannedEndDate: '2027-07-05',
          supportedInSmartAssessor: true,
          smartAssessorCourseId: courseId.sa_course_id,
          action: 'enrol',
          smartAssessorLearnerCourseId: null,
        },
        {
          aimRef: 'L000001-2',
          reference: 'ZPROG001',
          title: 'Apprenticeship programme aim',
          startDate: '2026-01-05',
          plannedEndDate: '2027-07-05',
          supportedInSmartAssessor: false,
          smartAssessorCourseId: null,
          action: 'skip',
          smartAssessorLearnerCourseId: null,
        },
      ],
      plannedOtjHours: 278,
      problems: [],
      canEnrol: true,
    } satisfies EnrolmentPreview);
    expect(courseId.sa_course_id).to.be.a('string');
    expect(bed.simulator.store.counters.requests, 'the preview reads PostgreSQL only').to.equal(0);
  });

  it('lists, field by field, what Smart Assessor would refuse, before anything is sent', async () => {
    await bed.load(provider([learner(1, { uln: '9876543210', niNumber: 'AB12', postcode: 'LS1', email: 'not-an-email', placementOrganisationRef: null, mainOfficerRef: null })]));

    const preview = await enrolmentPreview(bed.db, 'L000001');

    expect(preview.canEnrol).to.equal(false);
    expect(preview.employer).to.equal(null);
    expect(preview.assessor).to.equal(null);
    expect(preview.problems.map((problem) => [problem.record, problem.field, problem.value])).to.deep.equal([
      ['learner L000001', 'email', 'not-an-email'],
      ['learner L000001', 'uln', '9876543210'],
      ['learner L000001', 'postcode', 'LS1'],
      ['learner L000001', 'niNumber', 'AB12'],
      ['learner L000001', 'placementOrganisation', undefined],
      ['learner L000001', 'mainOfficer', undefined],
    ]);
    for (const problem of preview.problems) expect(problem.reason, problem.field).to.be.a('string').and.not.equal('');
  });

  it('checks an employer or officer that will be created, but not one that is linked', async () => {
    await bed.load(
      provider([learner(1)], {
        organisations: [{ ref: 'ORG7', name: 'Acme Ltd', postcode: 'NOWHERE', additionalId: null }],
        officers: [officer('OFF2', 'Sam', 'Patel', { email: 'sam at provider', additionalId: 'asr-2' })],
      }),
    );

    const preview = await enrolmentPreview(bed.db, 'L000001');

    expect(preview.problems.map((problem) => [problem.record, problem.field])).to.deep.equal([['organisation ORG7', 'postcode']]);
    expect(preview.assessor).to.include({ action: 'link', smartAssessorId: 'asr-2' });
  });

  it('says when the learner is already enrolled, with the ids Smart Assessor gave', async () => {
    await bed.load(provider([learner(1)]));
    await bed.enrol('L000001');
    const saLearner = [...bed.simulator.store.learners.values()][0];

    const preview = await enrolmentPreview(bed.db, 'L000001');

    expect(preview).to.deep.include({ alreadyEnrolled: true, smartAssessorId: saLearner.id, canEnrol: false, startDate: null });
    expect(preview.employer).to.include({ action: 'link', smartAssessorId: saLearner.employerId });
    expect(preview.qualifications.map((q) => [q.aimRef, q.action, q.smartAssessorLearnerCourseId])).to.deep.equal([
      ['L000001-1', 'enrolled', saLearner.courses[0].id],
      ['L000001-2', 'skip', null],
    ]);
  });

  it('refuses an unknown Learner Ident', async () => {
    const error = await rejectionOf(enrolmentPreview(bed.db, 'L404'));
    expect(error).to.be.instanceOf(LearnerNotFoundError);
    expect(error.message).to.contain('L404');
  });
});
