import { expect } from 'chai';
import { planEnrolment, type PlanAim, type PlanRecords } from '../../../src/enrolment/enrolment-plan.js';
import type { PicsOfficer } from '../../../src/sync/index.js';

const TODAY = '2026-11-28';

let aimIds = 0;

function aim(aimRef: string, saCourseId: string | null, saLearnerCourseId: string | null = null, dates = { startDate: '2026-01-05', plannedEndDate: '2027-07-05' }): PlanAim {
  return { id: ++aimIds, aimRef, ...dates, saLearnerCourseId, restartOfId: null, qualification: { saCourseId } };
}

function restartOf(restarted: PlanAim, aimRef: string, saLearnerCourseId: string | null = null): PlanAim {
  return { ...aim(aimRef, restarted.qualification.saCourseId, saLearnerCourseId), restartOfId: restarted.id };
}

const sam: PicsOfficer = { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', additionalId: null };
const ria: PicsOfficer = { ref: 'OFF9', firstName: 'Ria', surname: 'Quinn', email: 'ria.quinn@provider.example', additionalId: null };

function records(extra: Partial<PlanRecords<PlanAim, PicsOfficer>> = {}): PlanRecords<PlanAim, PicsOfficer> {
  return {
    learner: { learnerIdent: 'L000001', firstName: 'Amira', surname: 'Khan', dateOfBirth: '2004-03-09', email: 'amira@example.org', plannedOtjHours: 278 },
    placementOrganisation: { ref: 'ORG7', name: 'Acme Ltd', additionalId: null },
    mainOfficer: sam,
    secondAssessorRoleHolder: null,
    aims: [],
    ...extra,
  };
}

describe('enrolment plan', () => {
  it('enrols aims whose qualification has an SA course, skips the rest, and leaves enrolled ones alone', () => {
    const supported = aim('L1-1', 'crs-1');
    const blankCourse = aim('L1-2', '  ');
    const unsupported = aim('L1-3', null);
    const enrolled = aim('L1-4', 'crs-2', 'lc-9');

    const plan = planEnrolment(records({ aims: [supported, blankCourse, unsupported, enrolled] }), TODAY);

    expect(plan.aimsToEnrol).to.deep.equal([{ aim: supported, courseId: 'crs-1' }]);
    expect(plan.aimsUnsupported).to.deep.equal([blankCourse, unsupported]);
    expect(plan.aimsEnrolled).to.deep.equal([enrolled]);
    expect(plan.problems).to.deep.equal([]);
  });

  it('enrols only the last aim of a restart chain, each earlier aim superseded by the aim that restarts it', () => {
    const first = aim('L1-1', 'crs-1');
    const second = restartOf(first, 'L1-2');
    const third = restartOf(second, 'L1-3');
    const other = aim('L1-4', 'crs-2');

    const plan = planEnrolment(records({ aims: [first, second, third, other] }), TODAY);

    expect(plan.aimsToEnrol).to.deep.equal([
      { aim: third, courseId: 'crs-1' },
      { aim: other, courseId: 'crs-2' },
    ]);
    expect(plan.aimsSuperseded).to.deep.equal([
      { aim: first, by: second },
      { aim: second, by: third },
    ]);
    expect(plan.aimsEnrolled).to.deep.equal([]);
  });

  it('enrols no restart aim whose chain already has an SA course: the daily status sync hands that course on to it', () => {
    const first = aim('L1-1', 'crs-1', 'lc-7');
    const restart = restartOf(first, 'L1-2');

    const plan = planEnrolment(records({ aims: [first, restart] }), TODAY);

    expect(plan.aimsToEnrol).to.deep.equal([]);
    expect(plan.aimsEnrolled).to.deep.equal([restart]);
    expect(plan.aimsSuperseded).to.deep.equal([{ aim: first, by: restart }]);
    expect(plan.learnerCourses.get(restart)).to.equal('lc-7');
  });

  it('makes the second assessor role holder the secondary assessor, unless that is the Main Officer', () => {
    expect(planEnrolment(records({ secondAssessorRoleHolder: ria }), TODAY).secondAssessor).to.equal(ria);
    expect(planEnrolment(records({ secondAssessorRoleHolder: { ...sam } }), TODAY).secondAssessor).to.equal(null);
    expect(planEnrolment(records(), TODAY).secondAssessor).to.equal(null);
  });

  it('checks the second assessor that will be created, and only the aims that will be sent', () => {
    const plan = planEnrolment(
      records({
        secondAssessorRoleHolder: { ...ria, email: 'ria at provider' },
        aims: [
          aim('L1-1', null, null, { startDate: '2026-13-01', plannedEndDate: '2027-07-05' }),
          aim('L1-2', 'crs-1', null, { startDate: '2026-13-01', plannedEndDate: '2027-07-05' }),
        ],
      }),
      TODAY,
    );

    expect(plan.problems.map((problem) => [problem.record, problem.field])).to.deep.equal([
      ['officer OFF9', 'email'],
      ['aim L1-2', 'startDate'],
    ]);
  });

  it('names a missing placement organisation and Main Officer on the learner', () => {
    const plan = planEnrolment(records({ placementOrganisation: null, mainOfficer: null }), TODAY);
    expect(plan.problems.map((problem) => [problem.record, problem.field])).to.deep.equal([
      ['learner L000001', 'placementOrganisation'],
      ['learner L000001', 'mainOfficer'],
    ]);
  });
});
