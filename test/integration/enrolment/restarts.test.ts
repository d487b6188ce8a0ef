import { expect } from 'chai';
import { LearningAim } from '../../../entities/index.js';
import { enrolmentPreview } from '../../../src/enrolment/index.js';
import { ENGINEERING, learner, provider, PROGRAMME } from './fixtures.js';
import { startTestbed, type Testbed } from './testbed.js';

/**
 * A learner enrolled after returning from a break: Engineering was paused (L000001-1,
 * CompStatus 6) and restarted (L000001-3, restart of L000001-1), alongside the programme
 * aim Smart Assessor does not support (L000001-2).
 */
const returnedFromBreak = learner(1, {
  qualifications: [
    { aimRef: 'L000001-1', reference: ENGINEERING.reference, startDate: '2026-01-05', plannedEndDate: '2027-07-05', completionStatus: 6 },
    { aimRef: 'L000001-2', reference: PROGRAMME.reference, startDate: '2026-01-05', plannedEndDate: '2027-07-05', completionStatus: 1 },
    { aimRef: 'L000001-3', reference: ENGINEERING.reference, startDate: '2026-09-01', plannedEndDate: '2027-12-01', completionStatus: 1, restartOf: 'L000001-1' },
  ],
  breaksInLearning: [{ lastDayInLearning: '2026-03-31', returnDate: '2026-09-01' }],
});

describe('enrolment: a learner back from a break in learning', () => {
  let bed: Testbed;

  beforeEach(async () => {
    bed = await startTestbed();
    await bed.load(provider([returnedFromBreak]));
  });
  afterEach(async () => {
    await bed.close();
  });

  it('previews the restarted aim as superseded by its restart aim, which is the one to enrol', async () => {
    const preview = await enrolmentPreview(bed.db, 'L000001');

    expect(preview.qualifications.map((aim) => [aim.aimRef, aim.action, aim.supersededBy ?? null])).to.deep.equal([
      ['L000001-1', 'superseded', 'L000001-3'],
      ['L000001-2', 'skip', null],
      ['L000001-3', 'enrol', null],
    ]);
    expect(preview.startDate).to.equal('2026-09-01');
    expect(preview.canEnrol).to.equal(true);
  });

  it('puts one learner course for the qualification in Smart Assessor, for the restart aim, and reports the aim it superseded', async () => {
    await bed.enrol('L000001', 'job-1');

    const [saLearner] = [...bed.simulator.store.learners.values()];
    expect(saLearner.courses.map((course) => [course.misReference, course.course.qanCode, course.startDate])).to.deep.equal([['L000001-3', ENGINEERING.reference, '2026-09-01']]);
    const aims = await bed.db.getRepository(LearningAim).find({ order: { aimRef: 'ASC' } });
    expect(aims.map((aim) => [aim.aimRef, aim.saLearnerCourseId])).to.deep.equal([
      ['L000001-1', null],
      ['L000001-2', null],
      ['L000001-3', saLearner.courses[0].id],
    ]);

    const skipped = (await bed.history('L000001')).filter((event) => event.outcome === 'skipped');
    expect(skipped.map((event) => event.jobId)).to.deep.equal(['job-1', 'job-1']);
    const reasons = skipped.map((event) => event.error ?? '');
    expect(reasons.filter((reason) => reason.includes('aim L000001-2 (ZPROG001 Apprenticeship programme aim)') && reason.includes('does not support'))).to.have.length(1);
    expect(reasons.filter((reason) => reason.includes(`aim L000001-1 (${ENGINEERING.reference} ${ENGINEERING.title}) superseded by restart aim L000001-3`))).to.have.length(1);
  });

  it('creates nothing more when run again', async () => {
    await bed.enrol('L000001');
    await bed.enrol('L000001');

    expect(bed.simulator.store.stats()).to.include({ learners: 1, learnerCourses: 1 });
  });
});
