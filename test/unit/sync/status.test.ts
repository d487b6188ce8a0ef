import { expect } from 'chai';
import type { CompletionStatus, Outcome } from '../../../entities/enums.js';
import type { CourseStatus } from '../../../src/smart-assessor/types.js';
import {
  courseStatusFromIlr,
  learnerStatusFromIlr,
  planCourseStatus,
  planCourseStatuses,
  planCourseTakeovers,
  planLearnerStatus,
  type PicsAimIlr,
  type SaCourseState,
} from '../../../src/sync/index.js';

const SA_STATES: CourseStatus[] = ['AwaitingInduction', 'InTraining', 'BreakInLearning', 'Gateway', 'Completed', 'Withdrawn'];

const aim = (overrides: Partial<PicsAimIlr> = {}): PicsAimIlr => ({
  id: 1,
  aimRef: 'L000123-1',
  completionStatus: 1,
  outcome: null,
  actualEndDate: null,
  saLearnerCourseId: '9001',
  restartOfId: null,
  ...overrides,
});

const course = (overrides: Partial<SaCourseState> = {}): SaCourseState => ({
  id: '9001',
  status: 'InTraining',
  actualEndDate: null,
  completionStatus: 1,
  outcome: null,
  ...overrides,
});

const ilr = (completionStatus: CompletionStatus, outcome: Outcome | null = null, actualEndDate: string | null = null) => ({
  completionStatus,
  outcome,
  actualEndDate,
});

describe('sync rules: status', () => {
  describe('courseStatusFromIlr (the ILR → SA course status table)', () => {
    for (const saStatus of SA_STATES) {
      it(`CompStatus 6 → BreakInLearning (SA ${saStatus})`, () => expect(courseStatusFromIlr(ilr(6, null, '2026-03-01'), saStatus)).to.equal('BreakInLearning'));
      it(`CompStatus 3 → Withdrawn (SA ${saStatus})`, () => expect(courseStatusFromIlr(ilr(3, 3, '2026-03-01'), saStatus)).to.equal('Withdrawn'));
      it(`CompStatus 2, outcome 8 → Gateway (SA ${saStatus})`, () => expect(courseStatusFromIlr(ilr(2, 8, '2026-03-01'), saStatus)).to.equal('Gateway'));
      for (const outcome of [1, 2, 3] as const) {
        it(`CompStatus 2, outcome ${outcome} → Completed (SA ${saStatus})`, () => expect(courseStatusFromIlr(ilr(2, outcome, '2026-03-01'), saStatus)).to.equal('Completed'));
      }
      it(`CompStatus 2 with no outcome keeps SA’s ${saStatus}`, () => expect(courseStatusFromIlr(ilr(2, null, '2026-03-01'), saStatus)).to.equal(saStatus));
      it(`CompStatus 1 with an end date keeps SA’s ${saStatus}`, () => expect(courseStatusFromIlr(ilr(1, null, '2026-03-01'), saStatus)).to.equal(saStatus));
    }
    for (const saStatus of ['Completed', 'Withdrawn', 'Gateway', 'BreakInLearning'] as const) {
      it(`CompStatus 1 with no end date → InTraining when SA shows ${saStatus}`, () => expect(courseStatusFromIlr(ilr(1), saStatus)).to.equal('InTraining'));
    }
    for (const saStatus of ['AwaitingInduction', 'InTraining'] as const) {
      it(`CompStatus 1 with no end date keeps SA’s own ${saStatus}`, () => expect(courseStatusFromIlr(ilr(1), saStatus)).to.equal(saStatus));
    }
    it('treats a blank end date as none', () => expect(courseStatusFromIlr(ilr(1, null, ' '), 'Completed')).to.equal('InTraining'));
  });

  describe('planCourseStatus', () => {
    it('sends nothing when the course already follows the ILR', () => {
      expect(planCourseStatus(aim(), course())).to.deep.equal({ patch: {}, changes: [] });
    });

    it('sends status, end date, completion status and outcome for a completed aim', () => {
      const plan = planCourseStatus(aim({ completionStatus: 2, outcome: 1, actualEndDate: '2026-06-30' }), course());
      expect(plan.patch).to.deep.equal({ status: 'Completed', actualEndDate: '2026-06-30', completionStatus: 2, outcome: 1 });
      expect(plan.changes).to.deep.equal([
        { record: 'aim L000123-1', field: 'status', from: 'InTraining', to: 'Completed', direction: 'push' },
        { record: 'aim L000123-1', field: 'actualEndDate', from: null, to: '2026-06-30', direction: 'push' },
        { record: 'aim L000123-1', field: 'completionStatus', from: 1, to: 2, direction: 'push' },
        { record: 'aim L000123-1', field: 'outcome', from: null, to: 1, direction: 'push' },
      ]);
    });

    it('sends only what differs', () => {
      const plan = planCourseStatus(
        aim({ completionStatus: 2, outcome: 1, actualEndDate: '2026-06-30' }),
        course({ status: 'Gateway', actualEndDate: '2026-06-30', completionStatus: 2, outcome: 8 }),
      );
      expect(plan.patch).to.deep.equal({ status: 'Completed', outcome: 1 });
    });

    it('reopens a course whose aim the ILR has reopened, clearing SA’s end date and outcome', () => {
      const plan = planCourseStatus(aim(), course({ status: 'Withdrawn', actualEndDate: '2026-03-01', completionStatus: 3, outcome: 3 }));
      expect(plan.patch).to.deep.equal({ status: 'InTraining', actualEndDate: null, completionStatus: 1, outcome: null });
    });

    it('puts a break in learning in SA', () => {
      const plan = planCourseStatus(aim({ completionStatus: 6, actualEndDate: '2026-03-01' }), course());
      expect(plan.patch).to.deep.equal({ status: 'BreakInLearning', actualEndDate: '2026-03-01', completionStatus: 6 });
    });

    it('fills in the ILR fields SA had none of while keeping SA’s own state', () => {
      const plan = planCourseStatus(aim(), course({ status: 'AwaitingInduction', completionStatus: null }));
      expect(plan.patch).to.deep.equal({ completionStatus: 1 });
    });
  });

  describe('restart takeovers', () => {
    const original = aim({ id: 1, aimRef: 'A1', completionStatus: 6, actualEndDate: '2026-03-01', saLearnerCourseId: '9001' });
    const restart = aim({ id: 2, aimRef: 'A2', saLearnerCourseId: null, restartOfId: 1 });

    it('moves the restarted aim’s SA course to the restart aim', () => {
      expect(planCourseTakeovers([original, restart])).to.deep.equal([{ learnerCourseId: '9001', from: original, to: restart }]);
    });

    it('does not move a course to a restart that has its own', () => {
      expect(planCourseTakeovers([original, { ...restart, saLearnerCourseId: '9002' }])).to.deep.equal([]);
    });

    it('does nothing when the restarted aim has no SA course, or is not among the aims', () => {
      expect(planCourseTakeovers([{ ...original, saLearnerCourseId: null }, restart])).to.deep.equal([]);
      expect(planCourseTakeovers([restart])).to.deep.equal([]);
    });

    it('gives a chain of restarts’ course to the last restart, in one move', () => {
      const second = aim({ id: 3, aimRef: 'A3', saLearnerCourseId: null, restartOfId: 2 });
      expect(planCourseTakeovers([second, restart, original])).to.deep.equal([{ learnerCourseId: '9001', from: original, to: second }]);
    });

    it('stops on a loop of restarts', () => {
      const first = aim({ id: 1, aimRef: 'A1', saLearnerCourseId: '9001', restartOfId: 2 });
      const other = aim({ id: 2, aimRef: 'A2', saLearnerCourseId: null, restartOfId: 1 });
      expect(planCourseTakeovers([first, other])).to.deep.equal([{ learnerCourseId: '9001', from: first, to: other }]);
    });

    it('lets the restart’s ILR fields drive the course, and not the restarted aim’s', () => {
      const plan = planCourseStatuses([original, restart], [course({ status: 'BreakInLearning', actualEndDate: '2026-03-01', completionStatus: 6 })]);
      expect(plan.takeovers).to.deep.equal([{ learnerCourseId: '9001', from: original, to: restart }]);
      expect(plan.courseUpdates).to.deep.equal([{ aim: restart, learnerCourseId: '9001', patch: { status: 'InTraining', actualEndDate: null, completionStatus: 1 } }]);
      expect(plan.changes).to.deep.equal([
        { record: 'aim A1', field: 'saLearnerCourseId', from: '9001', to: null, direction: 'pull' },
        { record: 'aim A2', field: 'saLearnerCourseId', from: null, to: '9001', direction: 'pull' },
        { record: 'aim A2', field: 'status', from: 'BreakInLearning', to: 'InTraining', direction: 'push' },
        { record: 'aim A2', field: 'actualEndDate', from: '2026-03-01', to: null, direction: 'push' },
        { record: 'aim A2', field: 'completionStatus', from: 6, to: 1, direction: 'push' },
      ]);
    });
  });

  describe('planCourseStatuses', () => {
    it('plans each linked aim against its own course and skips unlinked aims', () => {
      const first = aim({ id: 1, aimRef: 'A1', saLearnerCourseId: '9001', completionStatus: 3, outcome: 3, actualEndDate: '2026-05-01' });
      const second = aim({ id: 2, aimRef: 'A2', saLearnerCourseId: '9002' });
      const unlinked = aim({ id: 3, aimRef: 'A3', saLearnerCourseId: null });
      const plan = planCourseStatuses([first, second, unlinked], [course({ id: '9001' }), course({ id: '9002' })]);
      expect(plan.courseUpdates).to.deep.equal([
        { aim: first, learnerCourseId: '9001', patch: { status: 'Withdrawn', actualEndDate: '2026-05-01', completionStatus: 3, outcome: 3 } },
      ]);
      expect(plan.takeovers).to.deep.equal([]);
      expect(plan.missingCourses).to.deep.equal([]);
    });

    it('reports a linked aim whose course SA did not list', () => {
      const lost = aim({ saLearnerCourseId: '9009' });
      expect(planCourseStatuses([lost], [course()])).to.deep.equal({ takeovers: [], courseUpdates: [], missingCourses: [lost], changes: [] });
    });
  });

  describe('learnerStatusFromIlr', () => {
    const aims = (...statuses: [CompletionStatus, string | null][]) =>
      statuses.map(([completionStatus, actualEndDate], index) => ({ id: index + 1, completionStatus, actualEndDate, restartOfId: null }));

    it('an open break → BreakInLearning from its last day in learning', () => {
      expect(learnerStatusFromIlr({ aims: aims([6, '2026-03-01']), breaks: [{ lastDayInLearning: '2026-03-01', returnDate: null }] })).to.deep.equal({
        status: 'BreakInLearning',
        effectiveDate: '2026-03-01',
      });
    });

    it('an open break wins over the aims, and the latest open break gives the date', () => {
      const state = {
        aims: aims([2, '2026-01-01']),
        breaks: [
          { lastDayInLearning: '2025-05-01', returnDate: '2025-09-01' },
          { lastDayInLearning: '2026-02-01', returnDate: null },
        ],
      };
      expect(learnerStatusFromIlr(state)).to.deep.equal({ status: 'BreakInLearning', effectiveDate: '2026-02-01' });
    });

    it('a closed break is history', () => {
      expect(learnerStatusFromIlr({ aims: aims([1, null]), breaks: [{ lastDayInLearning: '2026-03-01', returnDate: '2026-05-01' }] }).status).to.equal('Active');
    });

    it('all aims withdrawn → Withdrawn from the latest end date', () => {
      expect(learnerStatusFromIlr({ aims: aims([3, '2026-04-01'], [3, '2026-05-10']), breaks: [] })).to.deep.equal({
        status: 'Withdrawn',
        effectiveDate: '2026-05-10',
      });
    });

    it('all aims completed → Completed from the latest end date', () => {
      expect(learnerStatusFromIlr({ aims: aims([2, '2026-06-30'], [2, '2026-05-10']), breaks: [] })).to.deep.equal({
        status: 'Completed',
        effectiveDate: '2026-06-30',
      });
    });

    it('anything else → Active, with no date', () => {
      expect(learnerStatusFromIlr({ aims: aims([1, null], [2, '2026-05-10']), breaks: [] })).to.deep.equal({ status: 'Active', effectiveDate: null });
      expect(learnerStatusFromIlr({ aims: aims([3, '2026-04-01'], [2, '2026-05-10']), breaks: [] }).status).to.equal('Active');
      expect(learnerStatusFromIlr({ aims: aims([6, '2026-04-01']), breaks: [] }).status).to.equal('Active');
    });

    it('no aims → Active', () => {
      expect(learnerStatusFromIlr({ aims: [], breaks: [] })).to.deep.equal({ status: 'Active', effectiveDate: null });
    });

    it('does not count an aim that a later aim restarts', () => {
      const state = {
        aims: [
          { id: 1, completionStatus: 6 as const, actualEndDate: '2026-02-01', restartOfId: null },
          { id: 2, completionStatus: 2 as const, actualEndDate: '2026-09-01', restartOfId: 1 },
        ],
        breaks: [{ lastDayInLearning: '2026-02-01', returnDate: '2026-04-01' }],
      };
      expect(learnerStatusFromIlr(state)).to.deep.equal({ status: 'Completed', effectiveDate: '2026-09-01' });
    });
  });

  describe('planLearnerStatus', () => {
    const withdrawn = { aims: [{ id: 1, completionStatus: 3 as const, actualEndDate: '2026-05-10' }], breaks: [] };

    it('sends status and effective date when both differ', () => {
      expect(planLearnerStatus('L000123', withdrawn, { status: 'Active', statusEffectiveDate: null })).to.deep.equal({
        saPatch: { status: 'Withdrawn', statusEffectiveDate: '2026-05-10' },
        changes: [
          { record: 'learner L000123', field: 'status', from: 'Active', to: 'Withdrawn', direction: 'push' },
          { record: 'learner L000123', field: 'statusEffectiveDate', from: null, to: '2026-05-10', direction: 'push' },
        ],
      });
    });

    it('sends nothing when SA already agrees', () => {
      expect(planLearnerStatus('L000123', withdrawn, { status: 'Withdrawn', statusEffectiveDate: '2026-05-10' })).to.deep.equal({ saPatch: {}, changes: [] });
    });

    it('sends only the effective date when only it differs', () => {
      expect(planLearnerStatus('L000123', withdrawn, { status: 'Withdrawn', statusEffectiveDate: '2026-05-01' }).saPatch).to.deep.equal({
        statusEffectiveDate: '2026-05-10',
      });
    });

    it('sends Active without a date when a learner returns', () => {
      const returned = { aims: [{ id: 1, completionStatus: 1 as const, actualEndDate: null }], breaks: [{ lastDayInLearning: '2026-03-01', returnDate: '2026-05-01' }] };
      expect(planLearnerStatus('L000123', returned, { status: 'BreakInLearning', statusEffectiveDate: '2026-03-01' }).saPatch).to.deep.equal({ status: 'Active' });
    });
  });
});
