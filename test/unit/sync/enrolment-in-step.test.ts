import { expect } from 'chai';
import {
  combineCourseUpdates,
  courseEnrolledChange,
  learnerAssessorOfficers,
  officersToLink,
  placeAims,
  planCourseInStep,
  planEnrolmentInStep,
  planPlannedOtj,
  type EnrolmentInStepInput,
  type PicsAimEnrolment,
  type PicsOfficer,
  type SaCourseInStep,
} from '../../../src/sync/index.js';

let aimIds = 0;

function aim(aimRef: string, saCourseId: string | null, saLearnerCourseId: string | null = null, extra: Partial<PicsAimEnrolment> = {}): PicsAimEnrolment {
  return { id: ++aimIds, aimRef, startDate: '2026-01-05', plannedEndDate: '2027-07-05', saLearnerCourseId, restartOfId: null, qualification: { saCourseId }, ...extra };
}

const course = (id: string, extra: Partial<SaCourseInStep> = {}): SaCourseInStep => ({
  id,
  plannedEndDate: '2027-07-05',
  primaryAssessorId: 'asr-1',
  secondaryAssessorId: null,
  ...extra,
});

const sam: PicsOfficer = { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', additionalId: 'asr-1' };
const ria: PicsOfficer = { ref: 'OFF9', firstName: 'Ria', surname: 'Quinn', email: 'ria.quinn@provider.example', additionalId: null };

function input(extra: Partial<EnrolmentInStepInput<PicsAimEnrolment>> = {}): EnrolmentInStepInput<PicsAimEnrolment> {
  return { learnerIdent: 'L000001', aims: [], saLearner: { assessorId: 'asr-1' }, courses: [], assessors: { primary: 'asr-1', secondary: undefined }, ...extra };
}

describe('sync rules: enrolment kept in step', () => {
  describe('placeAims', () => {
    it('places each aim: enrolled, to enrol on its SA course, unsupported (blank course id too), or superseded by its restart', () => {
      const enrolled = aim('L1-1', 'crs-1', 'lc-1');
      const added = aim('L1-2', ' crs-2 ');
      const unsupported = aim('L1-3', null);
      const blank = aim('L1-4', '  ');
      const paused = aim('L1-5', 'crs-3');
      const restart = aim('L1-6', 'crs-3', null, { restartOfId: paused.id });

      expect(placeAims([enrolled, added, unsupported, blank, paused, restart])).to.deep.equal([
        { aim: enrolled, state: 'enrolled', learnerCourseId: 'lc-1' },
        { aim: added, state: 'to-enrol', courseId: 'crs-2' },
        { aim: unsupported, state: 'unsupported' },
        { aim: blank, state: 'unsupported' },
        { aim: paused, state: 'superseded', by: restart },
        { aim: restart, state: 'to-enrol', courseId: 'crs-3' },
      ]);
    });

    it('places a restart aim on the course its chain holds, and the aim it restarts as superseded: never a second course', () => {
      const paused = aim('L1-1', 'crs-1', 'lc-1');
      const restart = aim('L1-2', 'crs-1', null, { restartOfId: paused.id });

      expect(placeAims([paused, restart])).to.deep.equal([
        { aim: paused, state: 'superseded', by: restart },
        { aim: restart, state: 'enrolled', learnerCourseId: 'lc-1' },
      ]);
    });
  });

  describe('learnerAssessorOfficers and officersToLink', () => {
    const roles = [
      { role: 'IQA', officer: { ...ria, ref: 'OFF7' } },
      { role: 'Second Assessor', officer: ria },
    ];

    it('names the Main Officer as primary and the role holder as secondary', () => {
      expect(learnerAssessorOfficers(sam, roles, 'Second Assessor')).to.deep.equal({ primary: sam, secondary: ria });
    });

    it('names no secondary when nobody holds the role or the holder is the Main Officer (cleared), and leaves it unmanaged with no role set', () => {
      expect(learnerAssessorOfficers(sam, roles, 'Mentor')).to.deep.equal({ primary: sam, secondary: null });
      expect(learnerAssessorOfficers(sam, [{ role: 'Second Assessor', officer: sam }], 'Second Assessor')).to.deep.equal({ primary: sam, secondary: null });
      for (const role of [null, undefined, '  ']) expect(learnerAssessorOfficers(sam, roles, role)).to.deep.equal({ primary: sam, secondary: undefined });
      expect(learnerAssessorOfficers(null, roles, 'Second Assessor')).to.deep.equal({ primary: null, secondary: ria });
    });

    it('links or creates only named officers without an Additional ID, each once, and a secondary only for a learner with courses', () => {
      const newSam = { ...sam, additionalId: '  ' };
      expect(officersToLink({ primary: sam, secondary: ria }, true)).to.deep.equal([ria]);
      expect(officersToLink({ primary: sam, secondary: ria }, false)).to.deep.equal([]);
      expect(officersToLink({ primary: newSam, secondary: undefined }, true)).to.deep.equal([newSam]);
      expect(officersToLink({ primary: ria, secondary: { ...ria } }, true)).to.deep.equal([ria]);
      expect(officersToLink({ primary: null, secondary: null }, true)).to.deep.equal([]);
    });
  });

  describe('planEnrolmentInStep', () => {
    it('plans nothing for a learner whose SA records already follow the MIS', () => {
      const linked = aim('L1-1', 'crs-1', 'lc-1');
      const plan = planEnrolmentInStep(
        input({ aims: [linked, aim('L1-2', null)], courses: [course('lc-1', { secondaryAssessorId: 'asr-9' })], assessors: { primary: 'asr-1', secondary: 'asr-9' } }),
      );
      expect(plan).to.deep.include({ learnerPatch: {}, courseUpdates: [], coursesToCreate: [], changes: [] });
    });

    it('enrols a new supported aim with the learner’s assessors, the aim ref as misReference, and reports an unsupported one', () => {
      const added = aim('L1-2', 'crs-2', null, { startDate: '2026-09-01', plannedEndDate: '2027-03-01' });
      const unsupported = aim('L1-3', null);
      const plan = planEnrolmentInStep(
        input({
          aims: [aim('L1-1', 'crs-1', 'lc-1'), added, unsupported],
          courses: [course('lc-1', { secondaryAssessorId: 'asr-9' })],
          assessors: { primary: 'asr-1', secondary: 'asr-9' },
        }),
      );

      expect(plan.coursesToCreate).to.deep.equal([
        {
          aim: added,
          body: { courseId: 'crs-2', misReference: 'L1-2', startDate: '2026-09-01', plannedEndDate: '2027-03-01', primaryAssessorId: 'asr-1', secondaryAssessorId: 'asr-9' },
        },
      ]);
      expect(plan.unsupportedAims).to.deep.equal([unsupported]);
      expect(plan.changes, 'the creation is recorded once its id is known').to.deep.equal([]);
      expect(courseEnrolledChange(added, 'lc-7')).to.deep.equal({ record: 'aim L1-2', field: 'saLearnerCourseId', from: null, to: 'lc-7', direction: 'push' });
    });

    it('enrols a new aim under the assessor SA has for the learner when the MIS names no Main Officer, with no secondary when none is managed', () => {
      const plan = planEnrolmentInStep(input({ aims: [aim('L1-1', 'crs-1')], saLearner: { assessorId: 'asr-5' }, assessors: { primary: null, secondary: undefined } }));
      expect(plan.coursesToCreate[0].body).to.deep.include({ primaryAssessorId: 'asr-5' }).and.not.have.property('secondaryAssessorId');
      expect(plan.learnerPatch).to.deep.equal({});
    });

    it('makes a changed Main Officer the SA learner’s assessor and every linked course’s primary assessor', () => {
      const first = aim('L1-1', 'crs-1', 'lc-1');
      const second = aim('L1-2', 'crs-2', 'lc-2');
      const plan = planEnrolmentInStep(input({ aims: [first, second], courses: [course('lc-1'), course('lc-2')], assessors: { primary: 'asr-new', secondary: undefined } }));

      expect(plan.learnerPatch).to.deep.equal({ assessorId: 'asr-new' });
      expect(plan.courseUpdates).to.deep.equal([
        { aim: first, learnerCourseId: 'lc-1', patch: { primaryAssessorId: 'asr-new' } },
        { aim: second, learnerCourseId: 'lc-2', patch: { primaryAssessorId: 'asr-new' } },
      ]);
      expect(plan.changes).to.deep.equal([
        { record: 'learner L000001', field: 'assessorId', from: 'asr-1', to: 'asr-new', direction: 'push' },
        { record: 'aim L1-1', field: 'primaryAssessorId', from: 'asr-1', to: 'asr-new', direction: 'push' },
        { record: 'aim L1-2', field: 'primaryAssessorId', from: 'asr-1', to: 'asr-new', direction: 'push' },
      ]);
    });

    it('follows restart takeovers: the restart aim’s planned end date goes to the course it takes over', () => {
      const paused = aim('L1-1', 'crs-1', 'lc-1');
      const restart = aim('L1-2', 'crs-1', null, { restartOfId: paused.id, plannedEndDate: '2027-12-01' });
      const plan = planEnrolmentInStep(input({ aims: [paused, restart], courses: [course('lc-1')] }));
      expect(plan.coursesToCreate).to.deep.equal([]);
      expect(plan.courseUpdates).to.deep.equal([{ aim: restart, learnerCourseId: 'lc-1', patch: { plannedEndDate: '2027-12-01' } }]);
    });
  });

  describe('planCourseInStep', () => {
    const ids = { primary: 'asr-1', secondary: 'asr-9' };

    it('sends a revised planned end date, compared as a date, never a blank', () => {
      expect(planCourseInStep({ aimRef: 'L1-1', plannedEndDate: '2027-09-30' }, course('lc-1'), { ...ids, secondary: undefined })).to.deep.equal({
        patch: { plannedEndDate: '2027-09-30' },
        changes: [{ record: 'aim L1-1', field: 'plannedEndDate', from: '2027-07-05', to: '2027-09-30', direction: 'push' }],
      });
      expect(planCourseInStep({ aimRef: 'L1-1', plannedEndDate: ' 2027-07-05 ' }, course('lc-1'), { ...ids, secondary: undefined }).changes).to.deep.equal([]);
      expect(planCourseInStep({ aimRef: 'L1-1', plannedEndDate: '' }, course('lc-1'), { ...ids, secondary: undefined }).changes).to.deep.equal([]);
    });

    it('sets, changes and clears the secondary assessor, and leaves it alone when none is managed', () => {
      const dated = { aimRef: 'L1-1', plannedEndDate: '2027-07-05' };
      expect(planCourseInStep(dated, course('lc-1'), ids).patch).to.deep.equal({ secondaryAssessorId: 'asr-9' });
      expect(planCourseInStep(dated, course('lc-1', { secondaryAssessorId: 'asr-8' }), ids).patch).to.deep.equal({ secondaryAssessorId: 'asr-9' });
      expect(planCourseInStep(dated, course('lc-1', { secondaryAssessorId: 'asr-9' }), { ...ids, secondary: null })).to.deep.equal({
        patch: { secondaryAssessorId: null },
        changes: [{ record: 'aim L1-1', field: 'secondaryAssessorId', from: 'asr-9', to: null, direction: 'push' }],
      });
      expect(planCourseInStep(dated, course('lc-1', { secondaryAssessorId: '' }), { ...ids, secondary: null }).changes, 'blank is none').to.deep.equal([]);
      expect(planCourseInStep(dated, course('lc-1', { secondaryAssessorId: 'asr-8' }), { ...ids, secondary: undefined }).changes).to.deep.equal([]);
    });

    it('keeps SA’s primary assessor when the MIS names no Main Officer', () => {
      expect(
        planCourseInStep({ aimRef: 'L1-1', plannedEndDate: '2027-07-05' }, course('lc-1', { primaryAssessorId: 'asr-5' }), { primary: null, secondary: undefined }).changes,
      ).to.deep.equal([]);
    });
  });

  it('combineCourseUpdates makes one PATCH per course from several rules', () => {
    const first = aim('L1-1', 'crs-1', 'lc-1');
    const second = aim('L1-2', 'crs-2', 'lc-2');
    expect(
      combineCourseUpdates(
        [{ aim: first, learnerCourseId: 'lc-1', patch: { status: 'Completed' } }],
        [
          { aim: first, learnerCourseId: 'lc-1', patch: { primaryAssessorId: 'asr-2' } },
          { aim: second, learnerCourseId: 'lc-2', patch: { plannedEndDate: '2027-01-01' } },
        ],
      ),
    ).to.deep.equal([
      { aim: first, learnerCourseId: 'lc-1', patch: { status: 'Completed', primaryAssessorId: 'asr-2' } },
      { aim: second, learnerCourseId: 'lc-2', patch: { plannedEndDate: '2027-01-01' } },
    ]);
  });

  describe('planPlannedOtj', () => {
    it('sends the MIS’s planned hours when SA holds another figure or none', () => {
      expect(planPlannedOtj({ learnerIdent: 'L000001', plannedOtjHours: 300 }, { plannedHours: 278 })).to.deep.equal({
        plannedHours: 300,
        changes: [{ record: 'learner L000001', field: 'plannedOtjHours', from: 278, to: 300, direction: 'push' }],
      });
      expect(planPlannedOtj({ learnerIdent: 'L000001', plannedOtjHours: 0 }, { plannedHours: null }).plannedHours).to.equal(0);
    });

    it('sends nothing when SA has the figure, or the MIS has none (a blank never overwrites)', () => {
      expect(planPlannedOtj({ learnerIdent: 'L000001', plannedOtjHours: 278 }, { plannedHours: 278 })).to.deep.equal({ changes: [] });
      expect(planPlannedOtj({ learnerIdent: 'L000001', plannedOtjHours: null }, { plannedHours: 278 })).to.deep.equal({ changes: [] });
    });
  });
});
