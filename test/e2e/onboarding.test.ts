import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { logger } from '../../src/logging/logger.js';
import { existingProviderDocument, existingSmartAssessorRecords, UNIQUE_LINKS } from '../integration/onboarding/existing-provider.js';
import { loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

/**
 * The Onboarding page in headless Chromium over the whole product: a match of the
 * provider's existing Smart Assessor records with its result, the proposals reviewed by
 * kind and basis, one accepted on its own, every unique one at once, one chosen by its
 * box, then the rest enrolled in bulk with the batch's progress and its one failure.
 */
describe('admin UI: onboarding, in a browser', function () {
  this.timeout(180_000);
  let stack: FullStack;
  let context: BrowserContext;
  let page: Page;
  let logLevel: string;

  before(async () => {
    logLevel = logger.level;
    logger.level = 'warn';
    stack = await startFullStack();
    expect((await stack.api.post('/api/import', existingProviderDocument())).status).to.equal(200);
    stack.simulator.store.seed(existingSmartAssessorRecords());
    expect((await stack.api.post('/api/qualification-links/refresh')).status).to.equal(200);
    ({ context, page } = await loggedInPage(stack, '/onboarding'));
  });
  after(async () => {
    await context?.close();
    await stack?.close();
    logger.level = logLevel;
  });

  const row = (misRef: string, smartAssessorId: string) => page.locator('#proposal-table tbody tr', { hasText: misRef }).filter({ hasText: smartAssessorId });
  /** The table once a filter's answer has replaced it. */
  const rowsToBe = (count: number) => page.waitForFunction((n) => document.querySelectorAll('#proposal-table tbody tr').length === n, count);
  const held = async (ident: string) => (await stack.api.get(`/api/learners/${ident}`)).body.smartAssessorId as string | null;

  it('matches, shows the proposals by kind and basis, accepts one, every unique one and a selection, then enrols the rest with its progress', async () => {
    const problems = watchPageProblems(page);
    await page.locator('a[aria-current="page"]', { hasText: 'Onboarding' }).waitFor();

    await page.click('#start-match');
    await page.locator('#match-state', { hasText: 'ready' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('#match-state').textContent()).to.equal('ready · read 9 learners, 5 employers and 2 assessors');
    const counts = await page.locator('#counts-table tbody tr').allTextContents();
    expect(counts).to.deep.equal([
      'LearnermisReference1110',
      'LearnerULN1110',
      'LearnerName and date of birth5620',
      'EmployermisReference1110',
      'EmployerEDRS number1110',
      'EmployerName and postcode1110',
      'AssessorEmail1110',
    ]);
    expect(await page.locator('#unmatched').textContent()).to.equal('Not found in Smart Assessor (to enrol): 6 learners, 2 employers, 1 assessor.');
    expect(await page.locator('#csv-link').getAttribute('href')).to.match(/^\/api\/onboarding\/matches\/[0-9a-f-]{36}\/proposals\.csv$/);

    // L000005 has two Smart Assessor learners that fit: the admin picks one.
    await page.selectOption('#filter-kind', 'learner');
    await page.selectOption('#filter-show', 'choice');
    await rowsToBe(4);
    expect(await row('L000005', 'lrn-h5b').locator('td').nth(5).textContent()).to.equal('choose one of 2');
    await row('L000005', 'lrn-h5b').locator('button.accept-one').click();
    await page.locator('#accept-status', { hasText: 'Linked 1.' }).waitFor();
    expect(await held('L000005')).to.equal('lrn-h5b');

    await page.click('#accept-unique');
    await page.locator('#accept-status', { hasText: 'Linked 8.' }).waitFor();
    for (const [ident, id] of Object.entries(UNIQUE_LINKS.learner)) expect(await held(ident), ident).to.equal(id);
    expect(await page.isDisabled('#accept-unique')).to.equal(true);

    // L000006 and L000007 both claim lrn-kim: the admin ticks L000006's.
    await page.selectOption('#filter-show', 'unlinked');
    await rowsToBe(3);
    await row('L000006', 'lrn-kim').locator('input.pick').check();
    await page.click('#accept-selected');
    await page.locator('#accept-status', { hasText: 'Linked 1.' }).waitFor();
    expect(await held('L000006')).to.equal('lrn-kim');
    await page.selectOption('#filter-show', 'linked');
    await page.selectOption('#filter-kind', '');
    await rowsToBe(10);

    // Slower answers, so the batch's progress is seen on its way.
    stack.simulator.setFaults({ latencyMs: 150 });
    await page.click('#enrol-all');
    await page.locator('#enrol-status', { hasText: 'Enrolling 5 learners.' }).waitFor();
    await page.locator('#batch-state', { hasText: /^running · \d of 5 enrolled/ }).waitFor();
    await page.locator('#batch-state', { hasText: 'finished' }).waitFor({ timeout: 90_000 });
    stack.simulator.setFaults({ latencyMs: 0 });
    expect(await page.locator('#batch-state').textContent()).to.equal('finished · 4 of 5 enrolled · 1 failed');
    const failures = await page.locator('#batch-failures-table tbody tr').allTextContents();
    expect(failures).to.deep.equal(['L000012learner L000012: niNumber is not in the ILR format: two letters, six digits, then A, B, C or D']);
    for (const ident of ['L000007', 'L000009', 'L000010', 'L000011']) expect(await held(ident), ident).to.be.a('string');
    expect(problems).to.deep.equal([]);
  });
});
