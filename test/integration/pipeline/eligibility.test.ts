import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { ELIGIBLE_LEARNERS_PAGE_SQL, eligibleLearnersPage } from '../../../src/runs/index.js';
import { eligibilityCutoff, isEligible } from '../../../src/sync/index.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { seedLearner, type LearnerFixture } from '../../support/pipeline.js';

async function allEligible(db: DataSource, asOfDate: string, pageSize = 1_000): Promise<string[]> {
  const idents: string[] = [];
  for (let after = 0; ;) {
    const page = await eligibleLearnersPage(db, asOfDate, after, pageSize);
    if (page.length === 0) return idents;
    idents.push(...page.map((learner) => learner.learnerIdent));
    after = page[page.length - 1].id;
  }
}

describe('eligibility query (SPEC §4, in SQL)', function () {
  let db: DataSource;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
  });

  const fixtures: LearnerFixture[] = [
    { ident: 'IN-LEARNING', aimEnds: [null] },
    { ident: 'ENDED-ON-CUTOFF', aimEnds: ['2026-02-28'] },
    { ident: 'ENDED-DAY-BEFORE-CUTOFF', aimEnds: ['2026-02-27'] },
    { ident: 'ENDED-TODAY', aimEnds: ['2026-03-31'] },
    { ident: 'LATEST-AIM-RECENT', aimEnds: ['2025-01-01', '2026-03-15'] },
    { ident: 'OLD-AIM-AND-ONE-OPEN', aimEnds: ['2024-06-30', null] },
    { ident: 'ARCHIVED', systemStatus: 'Archived', aimEnds: [null] },
    { ident: 'NOT-ENROLLED', smartAssessorId: null, aimEnds: [null] },
    { ident: 'BLANK-SA-ID', smartAssessorId: '   ', aimEnds: [null] },
    { ident: 'NO-AIMS', aimEnds: [] },
    { ident: 'LEAP-DAY-END', aimEnds: ['2024-02-29'] },
    { ident: 'DAY-BEFORE-LEAP-DAY', aimEnds: ['2024-02-28'] },
  ];

  function expectedByRule(today: string): string[] {
    return fixtures
      .filter((fixture) =>
        isEligible(
          {
            systemStatus: fixture.systemStatus ?? 'Live',
            smartAssessorId: fixture.smartAssessorId === undefined ? `SA-${fixture.ident}` : fixture.smartAssessorId,
            aims: (fixture.aimEnds ?? [null]).map((actualEndDate) => ({ actualEndDate })),
          },
          today,
        ),
      )
      .map((fixture) => fixture.ident);
  }

  it('selects Live, enrolled learners in learning or ended within the last month, on edge dates', async function () {
    for (const fixture of fixtures) await seedLearner(db, fixture);
    expect(eligibilityCutoff('2026-03-31')).to.equal('2026-02-28');
    expect(await allEligible(db, '2026-03-31')).to.have.members(['IN-LEARNING', 'ENDED-ON-CUTOFF', 'ENDED-TODAY', 'LATEST-AIM-RECENT', 'OLD-AIM-AND-ONE-OPEN']);
    // 31 March 2024 less a month is the leap day itself.
    expect(await allEligible(db, '2024-03-31'))
      .to.include('LEAP-DAY-END')
      .and.not.include('DAY-BEFORE-LEAP-DAY');
  });

  it('agrees with the rules engine (src/sync isEligible) on the same fixtures', async function () {
    for (const fixture of fixtures) await seedLearner(db, fixture);
    for (const today of ['2026-03-31', '2026-03-01', '2024-03-31', '2024-03-29']) {
      expect(await allEligible(db, today), `as of ${today}`).to.have.members(expectedByRule(today));
    }
  });

  it('walks the learners in id order, page by page, each once', async function () {
    const idents = Array.from({ length: 7 }, (_, index) => `PAGE-${index}`);
    for (const ident of idents) await seedLearner(db, { ident, aimEnds: [null] });
    await seedLearner(db, { ident: 'PAGE-ARCHIVED', systemStatus: 'Archived' });
    const pages: string[][] = [];
    for (let after = 0; ;) {
      const page = await eligibleLearnersPage(db, '2026-03-31', after, 3);
      if (page.length === 0) break;
      pages.push(page.map((learner) => learner.learnerIdent));
      after = page[page.length - 1].id;
    }
    expect(pages.map((page) => page.length)).to.deep.equal([3, 3, 1]);
    expect(pages.flat()).to.deep.equal(idents);
  });

  it('is answered from the partial index on learners and the aims index, not by scanning the tables', async function () {
    const plan = await db.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows = (await manager.query(`EXPLAIN ${ELIGIBLE_LEARNERS_PAGE_SQL}`, ['2026-02-28', 0, 1000])) as Array<{ 'QUERY PLAN': string }>;
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).to.include('learner_eligible_idx');
    expect(plan).to.include('learning_aim_learner_end_idx');
  });
});
