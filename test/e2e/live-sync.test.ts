import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/pipeline.js';
import { enrolDemoLearner, loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

/**
 * Live Sync in headless Chromium over the whole product: switched on in Settings, a
 * learner's email changed in the MIS by another program, and the change on its way
 * (then there) on the runs page, without any run started by hand.
 */
describe('admin UI: live sync, in a browser', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let ident: string;
  let page: Page;

  before(async () => {
    stack = await startFullStack();
    ident = await enrolDemoLearner(stack);
    ({ page } = await loggedInPage(stack, '/settings'));
  });
  after(async () => {
    await page?.context().close();
    await stack?.close();
  });

  it('is switched on in Settings, and the runs page shows an edit made in the MIS going to Smart Assessor', async () => {
    const problems = watchPageProblems(page);
    const liveSync = page.locator('#setting-liveSync');
    await liveSync.waitFor();
    expect(await liveSync.isChecked()).to.equal(false);
    await liveSync.check();
    await page.selectOption('#setting-learnerDemographicsMode', 'Push');
    await page.click('#save-settings');
    await page.locator('#status.ok', { hasText: 'Settings saved' }).waitFor();
    expect((await stack.api.get('/api/settings')).body).to.include({ liveSync: true, learnerDemographicsMode: 'Push' });

    await page.goto('/runs');
    await page.locator('#live-state', { hasText: 'Live Sync is on' }).waitFor();
    await page.locator('#run-table', { hasText: 'No runs yet' }).waitFor();

    await stack.db.query(`UPDATE learner SET email = 'live.in.browser@example.org' WHERE learner_ident = $1`, [ident]);
    const { smartAssessorId } = (await stack.api.get(`/api/learners/${ident}`)).body as { smartAssessorId: string };
    await waitFor('the email in Smart Assessor', async () => stack.simulator.store.learners.get(smartAssessorId)?.email === 'live.in.browser@example.org', 30_000);

    // The runs page refreshes itself: the live run, its job done, in the list and the live panel.
    await page.locator('#run-table tbody tr', { hasText: 'live' }).waitFor({ timeout: 15_000 });
    await page.locator('#live-run .progress-text', { hasText: 'jobs 1 of 1' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#live-state').textContent()).to.include('no change waiting');
    const runs = (await stack.api.get('/api/sync/runs')).body.items as Array<{ trigger: string }>;
    expect(runs.map((run) => run.trigger)).to.deep.equal(['live']);

    await page.click('#live-run a');
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.locator('#run-title', { hasText: 'Sync run (live)' }).waitFor();
    await page.locator('#run-settings-list', { hasText: 'push only' }).waitFor();
    expect(problems).to.deep.equal([]);
  });
});
