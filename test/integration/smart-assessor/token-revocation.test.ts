import { expect } from 'chai';
import type { SmartAssessorClient } from '../../../src/smart-assessor/client.js';
import { waitFor } from '../../support/pipeline.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

/**
 * Found by the fault-injection suite: tokens revoked twice in quick succession made a
 * call refused with an old token retry with the newer one (revoked as well) and fail as
 * "auth", failing its job for good.
 */
describe('Smart Assessor client: tokens revoked while a call is on its way', () => {
  let simulator: RunningSimulator;
  let client: SmartAssessorClient;

  beforeEach(async () => {
    simulator = await startTestSimulator();
    client = clientFor(simulator, { timeoutMs: 20_000 });
  });

  afterEach(async () => {
    client.close();
    await simulator.close();
  });

  it('after a 401 authenticates anew rather than trust a token issued before it, which may be revoked too', async () => {
    await client.getSite();
    simulator.store.expireTokens();
    // This call is refused at once, but hears of it only after the rest has happened.
    simulator.setFaults({ latencyMs: 3_000 });
    const late = client.getSite();
    await waitFor('the late call to be refused', async () => simulator.store.counters.tokenRefused === 1, 10_000, 5);
    simulator.setFaults({ latencyMs: 0 });
    // Another call meets the same 401 and authenticates: the client now holds a newer token...
    await client.getSite();
    expect(simulator.store.counters.tokensIssued).to.equal(2);
    // ...which the site revokes before the late call hears its 401.
    simulator.store.expireTokens();

    const site = await late;
    expect(site.siteName).to.be.a('string');
    expect(simulator.store.counters.tokensIssued).to.equal(3);
  });
});
