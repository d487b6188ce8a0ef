import { expect } from 'chai';
import { learner, provider, SECOND_ASSESSOR_ROLE } from './fixtures.js';
import { startTestbed, type Testbed } from './testbed.js';

describe("enrolment: the settings' effects", () => {
  let bed: Testbed;

  beforeEach(async () => {
    bed = await startTestbed();
  });
  afterEach(async () => {
    await bed.close();
  });

  const onlyLearner = () => {
    const learners = [...bed.simulator.store.learners.values()];
    expect(learners).to.have.length(1);
    return learners[0];
  };

  it('with the settings off: no student id, no gender, no welcome email', async () => {
    await bed.load(provider([learner(1)]), { setStudentIdToLrn: false, updateLearnerGender: false, sendLearnerWelcomeEmail: false });

    await bed.enrol('L000001');

    expect(onlyLearner()).to.include({ studentId: null, gender: null, welcomeEmailSent: false });
    expect(bed.simulator.store.counters.welcomeEmails).to.equal(0);
  });

  it('Set Student ID to LRN, Update Learner Gender and Send Learner Welcome Email each put their part in the learner sent', async () => {
    await bed.load(provider([learner(1)]), { setStudentIdToLrn: true, updateLearnerGender: true, sendLearnerWelcomeEmail: true });

    await bed.enrol('L000001');

    expect(onlyLearner()).to.include({ studentId: 'LRN1', gender: 'Female', welcomeEmailSent: true });
    expect(bed.simulator.store.counters.welcomeEmails).to.equal(1);
  });

  it("makes the holder of the Qualification Second Assessor Role every course's secondary assessor, created once", async () => {
    const secondAssessor = [{ role: SECOND_ASSESSOR_ROLE, officerRef: 'OFF9' }];
    const maths = { aimRef: 'L000001-3', reference: '603/3016/5', startDate: '2026-01-05', plannedEndDate: '2026-12-20', completionStatus: 1 as const };
    const first = learner(1, { officerRoles: secondAssessor });
    await bed.load(provider([{ ...first, qualifications: [...first.qualifications!, maths] }, learner(2, { officerRoles: secondAssessor })]), {
      secondAssessorRole: SECOND_ASSESSOR_ROLE,
    });

    await bed.enrol('L000001');
    await bed.enrol('L000002');

    const store = bed.simulator.store;
    const assessorOf = (misReference: string) => [...store.assessors.values()].find((assessor) => assessor.misReference === misReference)!;
    expect(store.stats()).to.include({ assessors: 2, learnerCourses: 3 });
    const courses = [...store.learners.values()].flatMap((saLearner) => saLearner.courses);
    expect(courses.map((course) => [course.misReference, course.primaryAssessorId, course.secondaryAssessorId])).to.have.deep.members([
      ['L000001-1', assessorOf('OFF2').id, assessorOf('OFF9').id],
      ['L000001-3', assessorOf('OFF2').id, assessorOf('OFF9').id],
      ['L000002-1', assessorOf('OFF2').id, assessorOf('OFF9').id],
    ]);
    const [officer] = await bed.db.query(`SELECT additional_id FROM officer WHERE ref = 'OFF9'`);
    expect(officer.additional_id).to.equal(assessorOf('OFF9').id);
  });

  it('leaves the secondary assessor blank, creating no one, when no second assessor role is set', async () => {
    await bed.load(provider([learner(1, { officerRoles: [{ role: SECOND_ASSESSOR_ROLE, officerRef: 'OFF9' }] })]), { secondAssessorRole: null });

    await bed.enrol('L000001');

    expect([...bed.simulator.store.assessors.values()].map((assessor) => assessor.misReference)).to.deep.equal(['OFF2']);
    expect(onlyLearner().courses[0].secondaryAssessorId).to.equal(null);
  });
});
