import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { generateDemoProvider } from '../../tools/demo/generate.js';
import { waitFor } from '../support/pipeline.js';
import { loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

/**
 * What the sync kept and what it held back, as an admin sees it in a browser over the full
 * stack: a review value Smart Assessor's blank did not erase, a job that went through but
 * for one invalid field, the settings a run worked under, and an officer's history.
 */
describe('admin UI: nothing lost, shown plainly', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let ident: string;
  let saLearnerId: string;
  let context: BrowserContext | undefined;

  /** A browser, logged in, at `path`; with the page problems it reports (none expected). */
  async function browse(path: string): Promise<{ page: Page; problems: string[] }> {
    const opened = await loggedInPage(stack, path);
    context = opened.context;
    return { page: opened.page, problems: watchPageProblems(opened.page) };
  }

  async function syncToTheEnd(): Promise<string> {
    const requested = await stack.api.post(`/api/learners/${ident}/sync`);
    expect(requested.status).to.equal(202);
    await waitFor('the Update Learner run', async () => (await stack.api.get(`/api/sync/runs/${requested.body.runId}`)).body.state === 'completed', 60_000);
    return requested.body.runId;
  }

  before(async () => {
    stack = await startFullStack();
    const provider = generateDemoProvider({ learners: 6, seed: 7, today: stack.simulator.store.today });
    expect((await stack.api.post('/api/import', provider)).status).to.equal(200);
    expect((await stack.api.post('/api/qualification-links/refresh')).status).to.equal(200);
    for (const { learnerIdent } of provider.learners!) {
      if ((await stack.api.get(`/api/learners/${learnerIdent}/enrolment-preview`)).body.canEnrol) {
        ident = learnerIdent;
        break;
      }
    }
    expect((await stack.api.post(`/api/learners/${ident}/enrolment`)).status).to.equal(202);
    saLearnerId = await waitFor('the enrolment', async () => (await stack.api.get(`/api/learners/${ident}`)).body.smartAssessorId, 60_000);
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  after(() => stack?.close());

  it('shows a review value kept against a blank from Smart Assessor, and a job that failed in part, with what went through', async () => {
    expect((await stack.api.put('/api/settings', { learnerDemographicsMode: 'Push' })).status).to.equal(200);
    const session = stack.simulator.store.addSession(saLearnerId, {
      sessionType: 'FormalReview',
      startTime: '2026-09-01T10:00:00Z',
      status: 'Attended',
      comments: 'Unit 4 evidence reviewed.',
    });
    await syncToTheEnd();
    Object.assign(session, { status: null, comments: null, updatedAt: Date.now() });
    await stack.db.query(`UPDATE learner SET ni_number = 'QQ123456C', email = 'sent.anyway@example.org' WHERE learner_ident = $1`, [ident]);
    const runId = await syncToTheEnd();

    const { page, problems } = await browse(`/learners/${ident}`);
    const kept = page.locator('#history-table li.kept', { hasText: 'notes: Unit 4 evidence reviewed. kept in the MIS (Smart Assessor had none)' });
    await kept.waitFor();
    expect(await page.locator('#history-table li.kept', { hasText: 'attendedStatus: Attended kept in the MIS' }).count()).to.equal(1);

    const partial = page.locator('#history-table tbody tr', { has: page.locator('.outcome.partial') });
    expect(await partial.count()).to.equal(1);
    expect(await partial.locator('.outcome').textContent()).to.equal('failed in part');
    expect(await partial.locator('.error-text').textContent()).to.equal(
      `Held back, not sent: learner ${ident}: niNumber "QQ123456C" starts with a letter never used first (D, F, I, Q, U or V). The other changes went through.`,
    );
    expect(await partial.locator('ul.changes li').allTextContents()).to.satisfy((items: string[]) =>
      items.some((item) => item.startsWith(`learner ${ident} email: `) && item.endsWith('→ sent.anyway@example.org (to Smart Assessor)')),
    );
    expect(await page.locator('#last-error').textContent()).to.equal(
      `demographics: learner ${ident}: niNumber "QQ123456C" starts with a letter never used first (D, F, I, Q, U or V)`,
    );

    await partial.locator(`a[href="/runs/${runId}"]`).click();
    await page.waitForURL(`**/runs/${runId}`);
    const settings = page.locator('#run-settings-list');
    await settings.waitFor();
    expect(await settings.textContent()).to.include('Update Learner Demographics ModePush PICS Data to Smart Assessor');
    expect(await settings.textContent()).to.match(/Review types[^]*FormalReview → PR/);
    expect(problems).to.deep.equal([]);
  });

  it("shows an officer's history on the officers page", async () => {
    const { mainOfficer } = (await stack.api.get(`/api/learners/${ident}`)).body;
    const { page, problems } = await browse('/officers');
    const row = page.locator('#officer-table tbody tr', { hasText: mainOfficer.ref });
    await row.locator('button.show-history').click();
    await page.locator('#history-title', { hasText: `History of changes: officer ${mainOfficer.ref}` }).waitFor();
    await page.locator('#history-panel #history-table tbody tr').first().waitFor();
    const works = await page.locator('#history-panel #history-table tbody tr td:nth-child(2)').allTextContents();
    expect(works.length).to.be.at.least(1);
    expect(works.every((work) => work === 'officers')).to.equal(true);
    expect(problems).to.deep.equal([]);
  });
});
