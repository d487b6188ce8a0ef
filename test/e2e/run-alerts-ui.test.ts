import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { loggedInPage, startFullStack, watchPageProblems, type FullStack } from './full-stack.js';

/** The settings page's notification webhook and its Test button, in headless Chromium over the full stack. */
describe('run alerts on the settings page, in a browser', function () {
  this.timeout(120_000);
  let stack: FullStack;
  let context: BrowserContext;
  let page: Page;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Array<{ event: string }> = [];

  before(async () => {
    receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(text) as { event: string });
        res.statusCode = 204;
        res.end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/e2e-hook-token`;
    stack = await startFullStack();
    ({ context, page } = await loggedInPage(stack, '/settings'));
  });
  after(async () => {
    await context?.close();
    await stack?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('saves the webhook URL write-only and sends a test notification from the Test button', async () => {
    const problems = watchPageProblems(page);
    await page.locator('#setting-notificationWebhookUrl').waitFor();
    expect(await page.getAttribute('#setting-notificationWebhookUrl', 'placeholder')).to.equal('not set');
    await page.click('#notification-test');
    await page.locator('#notification-status.error', { hasText: 'No notification webhook URL is set' }).waitFor();

    await page.fill('#setting-notificationWebhookUrl', receiverUrl);
    await page.click('#save-settings');
    await page.locator('#status.ok', { hasText: 'Settings saved' }).waitFor();
    expect((await stack.api.get('/api/settings')).body.notificationWebhookUrlSet).to.equal(true);
    // Shown as set, never as its value.
    expect(await page.inputValue('#setting-notificationWebhookUrl')).to.equal('');
    expect(await page.getAttribute('#setting-notificationWebhookUrl', 'placeholder')).to.equal('set (type to replace)');
    expect(await page.content()).not.to.contain('e2e-hook-token');

    await page.click('#notification-test');
    await page.locator('#notification-status.ok', { hasText: 'The webhook took the test notification (HTTP 204)' }).waitFor();
    expect(received.map((body) => body.event)).to.deep.equal(['test']);
    expect(problems).to.deep.equal([]);
  });
});
