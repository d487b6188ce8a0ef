import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { enrolDemoLearner, loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

/**
 * The learner page of an enrolled learner whose aims changed after enrolment, in headless
 * Chromium over the whole product: an aim Smart Assessor does not support is reported,
 * not failed; a supported one is shown as waiting for the next sync, then enrolled by
 * "Update Learner In Smart Assessor", the change in the history.
 */
describe('admin UI: enrolment kept in step, in a browser', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let context: BrowserContext;
  let page: Page;
  let ident: string;

  before(async () => {
    stack = await startFullStack();
    ident = await enrolDemoLearner(stack);
    // Added in the MIS after enrolment: one aim Smart Assessor supports, one it does not.
    for (const [suffix, reference] of [
      ['FS', '603/3016/5'],
      ['TL', 'ST0385'],
    ]) {
      await stack.db.query(
        `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, completion_status)
         SELECT $1 || '-' || $2, l.id, q.id, '2026-09-01', '2027-08-31', 1 FROM learner l, qualification q WHERE l.learner_ident = $1 AND q.reference = $3`,
        [ident, suffix, reference],
      );
    }
  });
  beforeEach(async () => {
    ({ context, page } = await loggedInPage(stack, `/learners/${ident}`));
  });
  afterEach(async () => {
    await context?.close();
  });
  after(() => stack?.close());

  const cellOf = (page: Page, aimRef: string) => page.locator('#qualification-table tbody tr', { hasText: aimRef }).locator('td').nth(2);

  it('reports the unsupported aim, shows the supported one waiting, and shows it enrolled after Update Learner', async () => {
    const problems = watchPageProblems(page);
    const notice = page.locator('#unsupported-aims');
    await notice.waitFor();
    expect(await notice.textContent())
      .to.include(`${ident}-TL (ST0385 Team Leader or Supervisor (Level 3))`)
      .and.not.include(`${ident}-FS`);
    expect(await cellOf(page, `${ident}-TL`).textContent()).to.equal('not supported');
    expect(await cellOf(page, `${ident}-FS`).textContent()).to.equal('supported: enrolled at the next sync');

    await page.click('#update-in-sa');
    await page.locator('#status.ok', { hasText: 'Update finished' }).waitFor({ timeout: 60_000 });

    const learner = (await stack.api.get(`/api/learners/${ident}`)).body as {
      qualifications: Array<{ aimRef: string; inSmartAssessor: string; smartAssessorLearnerCourseId: string | null }>;
    };
    const enrolled = learner.qualifications.find((aim) => aim.aimRef === `${ident}-FS`)!;
    expect(enrolled.inSmartAssessor).to.equal('enrolled');
    expect(enrolled.smartAssessorLearnerCourseId).to.be.a('string');
    expect(learner.qualifications.find((aim) => aim.aimRef === `${ident}-TL`)!.inSmartAssessor).to.equal('unsupported');
    await page
      .locator('#qualification-table tbody tr', { hasText: `${ident}-FS` })
      .locator('td', { hasText: enrolled.smartAssessorLearnerCourseId! })
      .waitFor();
    await page.locator('#history-table', { hasText: `aim ${ident}-FS saLearnerCourseId: (blank) → ${enrolled.smartAssessorLearnerCourseId} (to Smart Assessor)` }).waitFor();
    expect(await page.locator('#history-table .outcome.failed').count(), 'the unsupported aim fails nothing').to.equal(0);
    expect(problems).to.deep.equal([]);
  });
});
