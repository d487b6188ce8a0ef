import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { TEST_ADMIN_PASSWORD, TEST_ADMIN_USERNAME } from '../support/admin.js';
import { startFullStack, type FullStack } from './full-stack.js';

/** The log-in page in a real browser: where it goes afterwards, whatever `next` a crafted link carries. */
describe('log-in in a browser: the page after', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let context: BrowserContext | undefined;

  before(async () => {
    stack = await startFullStack();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  after(() => stack?.close());

  async function logInFrom(loginUrl: string): Promise<URL> {
    context = await stack.browser.newContext({ baseURL: stack.admin.url });
    const page = await context.newPage();
    await page.goto(loginUrl);
    await page.fill('#username', TEST_ADMIN_USERNAME);
    await page.fill('#password', TEST_ADMIN_PASSWORD);
    await page.click('#login-button');
    await page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'commit' });
    return new URL(page.url());
  }

  for (const next of ['/\\example.invalid/x', '//example.invalid/x', 'https://example.invalid/x']) {
    it(`stays on this site after a log-in from /login?next=${encodeURIComponent(next)}`, async () => {
      const landed = await logInFrom(`/login?next=${encodeURIComponent(next)}`);
      expect(landed.origin).to.equal(stack.admin.url);
      expect(landed.pathname).to.equal('/learners');
    });
  }

  it('goes to the page the admin was heading for', async () => {
    const landed = await logInFrom(`/login?next=${encodeURIComponent('/runs')}`);
    expect(landed.origin + landed.pathname).to.equal(`${stack.admin.url}/runs`);
  });
});
