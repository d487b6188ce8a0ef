import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../support/pipeline.js';
import { enrolDemoLearner, loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

const NEW_EMAIL = 'dry.run.in.browser@example.org';

/**
 * Dry run (issue 17) in headless Chromium over the whole product: an enrolled learner's
 * email changed in the MIS under Push, the change found by "Preview next sync" on the
 * learner page and by a dry run started from the runs page, browsed and downloaded on the
 * run's page, and nothing written to Smart Assessor or the MIS by either.
 */
describe('admin UI: dry run, in a browser', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let ident: string;
  let saLearnerId: string;
  /** Smart Assessor's email for the learner, as the dry run finds it (the change's "from"). */
  let saEmail: string | null;
  let context: BrowserContext | undefined;

  /** A browser, logged in, at `path`; with the page problems it reports (none expected). */
  async function browse(path: string): Promise<{ page: Page; problems: string[] }> {
    const opened = await loggedInPage(stack, path);
    context = opened.context;
    return { page: opened.page, problems: watchPageProblems(opened.page) };
  }

  /** The MIS's learners (every column) and Smart Assessor's records: what a dry run must leave as it found them. */
  async function everything(): Promise<{ mis: unknown[]; learner: unknown; smartAssessor: string }> {
    const { store } = stack.simulator;
    return {
      mis: await stack.db.query(`SELECT * FROM learner ORDER BY id`),
      learner: (await stack.api.get(`/api/learners/${ident}`)).body,
      smartAssessor: JSON.stringify([[...store.learners], [...store.employers], [...store.assessors]]),
    };
  }

  /** Requests Smart Assessor received since the last look that would change something there. */
  function writesReceived(): string[] {
    const { store } = stack.simulator;
    const writes = store.recorded.filter((request) => request.method !== 'GET' && request.operationId !== 'createToken').map((request) => `${request.method} ${request.path}`);
    store.recorded.length = 0;
    return writes;
  }

  before(async () => {
    stack = await startFullStack();
    ident = await enrolDemoLearner(stack);
    // The enrolment job goes on a moment after the learner has their id (their courses, the commit): what follows starts once it is done.
    await waitFor('the enrolment job to finish', async () => (await stack.producers.pendingJobCount()) === 0, 60_000);
    saLearnerId = (await stack.api.get(`/api/learners/${ident}`)).body.smartAssessorId;
    expect((await stack.api.put('/api/settings', { learnerDemographicsMode: 'Push' })).status).to.equal(200);
    // The pending change: the learner's email edited in the MIS, for the next sync to push.
    await stack.db.query(`UPDATE learner SET email = $2 WHERE learner_ident = $1`, [ident, NEW_EMAIL]);
    saEmail = stack.simulator.store.learners.get(saLearnerId)!.email ?? null;
    expect(saEmail).not.to.equal(NEW_EMAIL);
    stack.simulator.store.recordRequests = true;
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  after(() => stack?.close());

  it('previews the next sync on the learner page: the change, the calls made, nothing written; and says so plainly when Smart Assessor is out of reach', async () => {
    const before = await everything();
    writesReceived();
    const { page, problems } = await browse(`/learners/${ident}`);
    await page.click('#preview-sync');
    const panel = page.locator('#sync-preview');
    const row = panel.locator('#sync-preview-changes tbody tr', { hasText: NEW_EMAIL });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('td').allTextContents()).to.deep.equal([
      'demographics',
      `learner ${ident}`,
      'email',
      `${saEmail ?? '(blank)'} → ${NEW_EMAIL}`,
      'push (to Smart Assessor)',
    ]);
    expect(await panel.locator('#sync-preview-failures').textContent()).to.equal('No failures expected');
    const calls = (await panel.locator('#sync-preview-calls').textContent())!;
    expect(calls).to.match(/^\d+ Smart Assessor calls? made to find out; [1-9]\d* writes? held back \(nothing was written\)\.$/);
    expect(await page.locator('#sync-preview-changes tbody tr').count()).to.be.at.least(1);

    // Smart Assessor out of reach: the API's 503, its message in the panel.
    stack.simulator.setFaults({ outageUntil: Date.now() + 60_000 });
    try {
      await page.click('#preview-sync');
      const error = panel.locator('.notice.error');
      await error.waitFor({ timeout: 60_000 });
      expect(await error.textContent()).to.match(/^No preview: \S/);
      expect(await panel.locator('#sync-preview-changes').count()).to.equal(0);
    } finally {
      stack.simulator.setFaults({ outageUntil: null });
    }
    await page.click('#preview-sync');
    await row.waitFor({ timeout: 30_000 });

    expect(writesReceived()).to.deep.equal([]);
    expect(await everything()).to.deep.equal(before);
    expect(problems).to.deep.equal([]);
  });

  it('starts a dry run from the runs page, marks it, browses and downloads its changes, and writes nothing', async () => {
    const before = await everything();
    writesReceived();
    const { page, problems } = await browse('/runs');
    await page.click('#start-dry-run');
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;
    await page.locator('#dry-run-banner', { hasText: 'Dry run — nothing was written to Smart Assessor or the MIS' }).waitFor();
    expect(await page.locator('#dry-run-banner').isVisible()).to.equal(true);
    await page.locator('#progress .run-progress[data-state="completed"]').waitFor({ timeout: 90_000 });
    await page.locator('#status', { hasText: 'The run completed' }).waitFor();
    expect((await stack.api.get(`/api/sync/runs/${runId}`)).body).to.include({ dryRun: true, state: 'completed' });

    // The changes it would have made (outcome "changed" by default), narrowed to pushes on the demographics queue.
    const emailRow = page.locator('#changes-table tbody tr', { hasText: NEW_EMAIL });
    await emailRow.waitFor();
    expect(await page.inputValue('#changes-outcome')).to.equal('changed');
    await page.selectOption('#changes-direction', 'push');
    await page.selectOption('#changes-queue', 'demographics');
    await page.fill('#changes-field', 'email');
    await page.press('#changes-field', 'Enter');
    const csvLink = page.locator('#changes-csv');
    const filtered = `/api/sync/runs/${runId}/changes.csv?outcome=changed&queue=demographics&field=email&direction=push`;
    await page.locator(`#changes-csv[href="${filtered}"]`).waitFor();
    await page.locator('#changes-table tbody tr').first().waitFor();
    const rows = await page.locator('#changes-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).to.deep.equal([[ident, 'demographics', 'changed', `learner ${ident}`, 'email', saEmail ?? '(blank)', NEW_EMAIL, 'push (to Smart Assessor)', '—']]);
    await page.selectOption('#changes-direction', 'pull');
    await page.locator('#changes-table.empty', { hasText: 'No changes match the filters' }).waitFor();
    await page.selectOption('#changes-direction', 'push');
    await emailRow.waitFor();

    // The download: the session cookie is enough for the GET.
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(download.suggestedFilename()).to.equal(`run-${runId.slice(0, 8)}-changes.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).to.equal('at,queue,subjectType,subjectRef,outcome,record,field,from,to,direction,error');
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(/^\d{4}-\d\d-\d\dT[^,]+,/);
    expect(lines[1]!.slice(lines[1]!.indexOf(',') + 1)).to.equal(`demographics,learner,${ident},changed,learner ${ident},email,${saEmail ?? ''},${NEW_EMAIL},push,`);

    // Nothing written: not to Smart Assessor, not to the MIS.
    expect(writesReceived()).to.deep.equal([]);
    expect(await everything()).to.deep.equal(before);
    expect(stack.simulator.store.learners.get(saLearnerId)!.email ?? null).to.equal(saEmail);

    // The runs list marks it, and filters dry runs from real ones.
    await page.goto('/runs');
    const listed = page.locator('#run-table tbody tr', { has: page.locator(`a[href="/runs/${runId}"]`) });
    await listed.locator('.badge.dry-run', { hasText: 'Dry run' }).waitFor();
    await page.selectOption('#runs-filter', 'false');
    await page.locator('#run-table', { hasText: 'No runs yet' }).waitFor();
    await page.selectOption('#runs-filter', 'true');
    await listed.waitFor();
    expect(await page.locator('#run-table tbody tr').count()).to.equal(await page.locator('#run-table tbody tr .badge.dry-run').count());
    expect(problems).to.deep.equal([]);
  });
});
