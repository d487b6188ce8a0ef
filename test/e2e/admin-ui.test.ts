import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { generateDemoProvider } from '../../tools/demo/generate.js';
import type { ImportLearner } from '../../src/import/import-document.js';
import { waitFor } from '../support/pipeline.js';
import { loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

/**
 * The admin UI in real headless Chromium against the whole product running in this
 * process (simulator, workers, scheduler, admin server).
 */
describe('admin UI in a browser, over the full stack', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let learners: ImportLearner[];
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  /** Learners the preview says can be enrolled, in list order. */
  async function enrollable(): Promise<string[]> {
    const found: string[] = [];
    for (const learner of learners) {
      const preview = await stack.api.get(`/api/learners/${learner.learnerIdent}/enrolment-preview`);
      if (preview.body.canEnrol) found.push(learner.learnerIdent);
    }
    return found;
  }

  /** An enrolled learner: one an earlier test enrolled, or one enrolled now through the API. */
  async function enrolledLearner(): Promise<string> {
    const enrolled = (await stack.api.get('/api/learners?eligible=true')).body.items as Array<{ learnerIdent: string }>;
    if (enrolled.length > 0) return enrolled[0]!.learnerIdent;
    const [ident] = await enrollable();
    expect((await stack.api.post(`/api/learners/${ident}/enrolment`)).status).to.equal(202);
    await waitFor('the enrolment', async () => (await stack.api.get(`/api/learners/${ident}`)).body.smartAssessorId, 60_000);
    return ident!;
  }

  before(async () => {
    stack = await startFullStack();
    const document = generateDemoProvider({ learners: 6, seed: 7, today: stack.simulator.store.today });
    learners = document.learners!;
    expect((await stack.api.post('/api/import', document)).status).to.equal(200);
    expect((await stack.api.post('/api/qualification-links/refresh')).status).to.equal(200);
  });
  beforeEach(async () => {
    ({ context, page } = await loggedInPage(stack));
    problems = watchPageProblems(page);
  });
  afterEach(async () => {
    await context?.close();
  });
  after(() => stack?.close());

  it('logs in and shows every page without a script error or a Content Security Policy violation', async () => {
    for (const [path, heading] of [
      ['/learners', 'Learners'],
      ['/organisations', 'Organisations'],
      ['/officers', 'Officers'],
      ['/qualifications', 'Qualification links'],
      ['/review-types', 'Review type mapping'],
      ['/settings', 'Settings'],
      ['/runs', 'Sync runs'],
    ] as const) {
      await page.goto(path);
      await page.locator('h1', { hasText: heading }).waitFor();
      await page.locator('#log-out').waitFor();
    }
    await page.goto('/learners');
    await page.locator('#learner-table tbody tr').first().waitFor();
    expect(await page.locator('#learner-table tbody tr').count()).to.equal(learners.length);
    expect(problems).to.deep.equal([]);

    await page.click('#log-out');
    await page.waitForURL('**/login');
    await page.goto('/settings');
    await page.waitForURL('**/login?next=%2Fsettings');
  });

  it('enrols a learner through the enrolment preview', async () => {
    const [ident] = await enrollable();
    expect(ident, 'the demo provider has a learner ready to enrol').to.be.a('string');
    await page.goto('/learners');
    await page.fill('#search', ident!);
    await page.click('#learner-filter button[type=submit]');
    await page.locator(`#learner-table a[href="/learners/${ident}"]`).click();
    await page.waitForURL(`**/learners/${ident}`);

    const preview = page.locator('#enrolment-preview');
    await preview.waitFor();
    expect(await preview.textContent()).to.include('What enrolment will send');
    expect(await page.locator('#preview-qualifications tbody tr').count()).to.be.greaterThan(0);
    await page.click('#create-in-sa');

    await page.locator('#status.ok', { hasText: 'Enrolled in Smart Assessor as' }).waitFor({ timeout: 60_000 });
    const shown = (await page.locator('#smart-assessor-id').textContent())!.trim();
    const learner = await stack.api.get(`/api/learners/${ident}`);
    expect(learner.body.smartAssessorId).to.equal(shown);
    expect(stack.simulator.store.learners.get(shown)?.misReference).to.equal(ident);
    await page.locator('#update-in-sa').waitFor();
    await page.locator('#history-table tbody tr').first().waitFor();
    expect(problems).to.deep.equal([]);
  });

  it('runs "Update Learner In Smart Assessor" and follows it to completion', async () => {
    const ident = await enrolledLearner();
    await page.goto(`/learners/${ident}`);
    await page.click('#update-in-sa');
    await page.locator('#learner-run .run-progress[data-state="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('#learner-run .progress-text').textContent()).to.match(/learners 1 of 1 done · jobs (\d+) of \1/);
    await page.locator('#status.ok', { hasText: 'Update finished' }).waitFor();
    const runs = await stack.api.get('/api/sync/runs');
    const learnerRun = runs.body.items.find((run: { trigger: string }) => run.trigger === 'learner');
    expect(learnerRun.state).to.equal('completed');
    expect(learnerRun.jobs.failed).to.equal(0);
    expect(problems).to.deep.equal([]);
  });

  it('starts the daily synchronisation and watches its progress bar reach completion', async () => {
    await page.goto('/runs');
    await page.click('#start-run');
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;
    await page.locator('#progress .run-progress').waitFor();
    await page.locator('#progress .run-progress[data-state="completed"]').waitFor({ timeout: 90_000 });
    const run = await stack.api.get(`/api/sync/runs/${runId}`);
    expect(run.body).to.include({ state: 'completed', trigger: 'manual' });
    expect(await page.locator('#progress progress').getAttribute('value')).to.equal(String(run.body.jobs.completed + run.body.jobs.failed));
    await page.locator('#status', { hasText: 'The run completed' }).waitFor();
    expect(await page.locator('#progress .learners-done').textContent()).to.equal(` · learners ${run.body.learners} of ${run.body.learners} done`);

    await page.goto('/runs');
    await page.locator('#trend-chart svg rect.bar').first().waitFor();
    expect(await page.locator('#trend-chart figure').count()).to.equal(3);
    expect(problems).to.deep.equal([]);
  });

  it('changes a setting and passes the Connection Test', async () => {
    await page.goto('/settings');
    await page.locator('#setting-learnerDemographicsMode').waitFor();
    await page.selectOption('#setting-learnerDemographicsMode', 'Push');
    await page.check('#setting-updateLearnerGender');
    await page.click('#save-settings');
    await page.locator('#status.ok', { hasText: 'Settings saved' }).waitFor();
    const settings = await stack.api.get('/api/settings');
    expect(settings.body).to.include({ learnerDemographicsMode: 'Push', updateLearnerGender: true });
    expect(await page.inputValue('#setting-learnerDemographicsMode')).to.equal('Push');

    await page.click('#connection-test');
    await page.locator('#connection-status.ok', { hasText: 'Connected to' }).waitFor({ timeout: 30_000 });
    expect(problems).to.deep.equal([]);
  });

  it('retries a failed job from the queue dashboard', async () => {
    const [ident] = await enrollable();
    const learner = learners.find((candidate) => candidate.learnerIdent === ident)!;
    expect((await stack.api.post('/api/import', { learners: [{ ...learner, email: 'not an email address' }] })).status).to.equal(200);
    const queued = await stack.api.post(`/api/learners/${ident}/enrolment`);
    expect(queued.status).to.equal(202);
    const enrolment = stack.producers.queues.enrolment;
    await waitFor('the enrolment to fail', async () => (await enrolment.getJobState(queued.body.jobId)) === 'failed');
    expect((await enrolment.getJob(queued.body.jobId))!.failedReason).to.include(ident!);

    expect((await stack.api.post('/api/import', { learners: [learner] })).status).to.equal(200);
    await page.goto(`/admin/queues/queue/enrolment?status=failed`);
    const retry = page.locator('[class*="jobActions"] button:has(svg.lucide-refresh-cw)').first();
    await retry.waitFor({ timeout: 30_000 });
    await page.locator('text=email is not a valid email address').first().waitFor();
    expect(await page.content(), 'the failure names the field, never the personal value').not.to.include('not an email address');
    await retry.click();
    await page.getByRole('button', { name: 'Confirm' }).click();

    await waitFor('the retried enrolment to complete', async () => (await enrolment.getJobState(queued.body.jobId)) === 'completed', 60_000);
    expect((await stack.api.get(`/api/learners/${ident}`)).body.smartAssessorId).to.be.a('string');
  });
});
