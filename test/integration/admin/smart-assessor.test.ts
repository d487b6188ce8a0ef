import { expect } from 'chai';
import { deploymentBudgetKey } from '../../../src/smart-assessor/client.js';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { FIXED_NOW } from './fixtures.js';

describe('admin API: look-ups and connection test against the Smart Assessor simulator', () => {
  let admin: TestAdmin;
  let simulator: RunningSimulator;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
    simulator = await startTestSimulator({ siteName: 'Provider Test Site' });
    const client = clientFor(simulator);
    try {
      await client.ensureEmployer({ misReference: 'SA-EMP-1', name: 'Acme Engineering Ltd', edrsNumber: '111222333' });
      await client.ensureEmployer({ misReference: 'SA-EMP-2', name: 'Brightside Care', edrsNumber: '444555666' });
      await client.ensureAssessor({ misReference: 'SA-ASS-1', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example' });
    } finally {
      client.close();
    }
  });
  beforeEach(async () => {
    await admin.reset();
    simulator.setFaults({ errorRate: 0 });
  });
  after(async () => {
    await admin?.close();
    await simulator?.close();
  });

  const connect = (overrides: Record<string, string> = {}) => admin.api.put('/api/settings', { baseUrl: simulator.baseUrl, ...simulator.credentials, ...overrides });

  describe('GET /api/smart-assessor/employers and /assessors', () => {
    it('finds Smart Assessor employers by name or EDRS number, and assessors by email', async () => {
      expect((await connect()).status).to.equal(200);
      const byName = await admin.api.get('/api/smart-assessor/employers?name=acme');
      expect(byName.status).to.equal(200);
      expect(byName.body).to.include({ page: 1, totalItems: 1 });
      expect(byName.body.items[0]).to.include({ name: 'Acme Engineering Ltd', misReference: 'SA-EMP-1', edrsNumber: '111222333' });
      const byEdrs = await admin.api.get('/api/smart-assessor/employers?edrsNumber=444555666');
      expect(byEdrs.body.items.map((item: { name: string }) => item.name)).to.deep.equal(['Brightside Care']);
      const assessors = await admin.api.get('/api/smart-assessor/assessors?email=SAM.PATEL@provider.example');
      expect(assessors.status).to.equal(200);
      expect(assessors.body.items.map((item: { misReference: string }) => item.misReference)).to.deep.equal(['SA-ASS-1']);
    });

    it("spends from the deployment's request budget, the one the workers spend from", async () => {
      await connect();
      expect((await admin.api.get('/api/smart-assessor/employers?name=acme')).status).to.equal(200);
      const budget = deploymentBudgetKey(admin.prefix, { baseUrl: simulator.baseUrl, username: simulator.credentials.username });
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await admin.redis.scan(cursor, 'MATCH', `${budget}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      expect(keys, `keys under ${budget}`).not.to.be.empty;
    });

    it('answers 409 when the connection is not configured', async () => {
      const answer = await admin.api.get('/api/smart-assessor/employers?name=acme');
      expect(answer.status).to.equal(409);
      expect(answer.body.error.code).to.equal('not_configured');
      expect(answer.body.error.message).to.match(/not configured/);
    });

    it('answers 502 when Smart Assessor refuses the credentials, and 503 when it fails', async () => {
      await connect({ password: 'wrong-password' });
      const refused = await admin.api.get('/api/smart-assessor/assessors?email=x@example.org');
      expect(refused.status).to.equal(502);
      expect(refused.body.error.code).to.equal('smart_assessor_auth');
      expect(refused.text).not.to.include('wrong-password');

      await connect();
      simulator.setFaults({ errorRate: 1 });
      const failing = await admin.api.get('/api/smart-assessor/employers?name=acme');
      expect(failing.status).to.equal(503);
      expect(failing.body.error.code).to.equal('smart_assessor_unavailable');
    });

    it('names bad query parameters', async () => {
      const answer = await admin.api.get('/api/smart-assessor/employers?pageSize=1000');
      expect(answer.status).to.equal(400);
      expect(answer.body.error.fields).to.deep.equal({ pageSize: 'must be a whole number from 1 to 100' });
    });
  });

  describe('POST /api/qualification-links/refresh', () => {
    it("links catalogue qualifications to the site's courses by reference and reports the counts", async () => {
      await connect();
      const courses = await (async () => {
        const client = clientFor(simulator);
        try {
          return await client.listCourses();
        } finally {
          client.close();
        }
      })();
      const supported = courses.find((course) => course.active)!;
      await admin.api.post('/api/import', {
        qualifications: [
          { reference: supported.qanCode, title: supported.title },
          { reference: 'NOT-IN-SA-1', title: 'Not offered by the site' },
        ],
      });
      const answer = await admin.api.post('/api/qualification-links/refresh');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ linked: 1, unlinked: 0, unchanged: 1 });
      const catalogue = await admin.api.get('/api/qualifications');
      expect(catalogue.body.items.find((item: { reference: string }) => item.reference === supported.qanCode).smartAssessorCourseId).to.equal(supported.id);
      expect((await admin.api.post('/api/qualification-links/refresh')).body).to.deep.equal({ linked: 0, unlinked: 0, unchanged: 2 });
    });

    it('answers 409 when the connection is not configured, changing nothing', async () => {
      await admin.api.post('/api/import', { qualifications: [{ reference: 'ST0123', title: 'Engineering Technician' }] });
      const answer = await admin.api.post('/api/qualification-links/refresh');
      expect(answer.status).to.equal(409);
      expect(answer.body.error.code).to.equal('not_configured');
    });
  });

  describe('POST /api/connection-test', () => {
    it('authenticates and reads the site', async () => {
      await connect();
      const answer = await admin.api.post('/api/connection-test');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ ok: true, siteName: 'Provider Test Site', apiVersion: '1.0.0' });
    });

    it('reports refused credentials, an unreachable site and missing settings as ok: false, without the secrets', async () => {
      await connect({ clientKey: 'not-the-client-key' });
      const refused = await admin.api.post('/api/connection-test');
      expect(refused.status).to.equal(200);
      expect(refused.body.ok).to.equal(false);
      expect(refused.body.error).to.match(/refused the username, password or client key/);
      expect(refused.text).not.to.include('not-the-client-key');
      expect(refused.text).not.to.include(simulator.credentials.password);

      await connect({ baseUrl: 'http://127.0.0.1:9/api/v1' });
      const unreachable = await admin.api.post('/api/connection-test');
      expect(unreachable.body.ok).to.equal(false);
      expect(unreachable.body.error).to.match(/could not be reached/);

      await admin.api.put('/api/settings', { baseUrl: null, username: null, password: null, clientKey: null });
      const missing = await admin.api.post('/api/connection-test');
      expect(missing.body.ok).to.equal(false);
      expect(missing.body.error).to.match(/not configured/);
      expect(admin.log.text()).not.to.include(simulator.credentials.password);
      expect(admin.log.text()).not.to.include(simulator.credentials.clientKey);
    });
  });
});
