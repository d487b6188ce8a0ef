import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { AdminSession, AdminUser } from '../../../entities/index.js';
import { ensureFirstAdmin, GENERATED_ADMIN_USERNAME } from '../../../src/admin/auth/first-admin.js';
import { ApiClient, sessionCookie, startTestAdmin, TEST_ADMIN_PASSWORD, TEST_ADMIN_USERNAME, TEST_API_TOKEN, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

/** Every JSON API route of contracts/admin-api.md (and the UI's extra ones), with a body that would be valid. */
const API_ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/api/session'],
  ['DELETE', '/api/session'],
  ['POST', '/api/import', { reviewTypes: [] }],
  ['GET', '/api/learners'],
  ['GET', '/api/learners/L000123'],
  ['GET', '/api/learners/L000123/enrolment-preview'],
  ['POST', '/api/learners/L000124/enrolment', {}],
  ['POST', '/api/learners/L000123/sync', {}],
  ['PUT', '/api/learners/L000123/smart-assessor-id', { smartAssessorId: '1' }],
  ['GET', '/api/learners/L000123/history'],
  ['GET', '/api/organisations'],
  ['PUT', '/api/organisations/ORG7/additional-id', { additionalId: '1' }],
  ['GET', '/api/officers'],
  ['PUT', '/api/officers/OFF2/additional-id', { additionalId: '1' }],
  ['GET', '/api/qualifications'],
  ['GET', '/api/review-types'],
  ['GET', '/api/smart-assessor/employers?name=Acme'],
  ['GET', '/api/smart-assessor/assessors?email=a@b.c'],
  ['POST', '/api/qualification-links/refresh', {}],
  ['GET', '/api/review-type-mappings'],
  ['PUT', '/api/review-type-mappings', { FormalReview: 'PR' }],
  ['GET', '/api/settings'],
  ['PUT', '/api/settings', { learnerDemographicsMode: 'Push' }],
  ['POST', '/api/connection-test', {}],
  ['POST', '/api/sync/runs', {}],
  ['GET', '/api/sync/runs'],
  ['GET', '/api/sync/runs/00000000-0000-0000-0000-000000000000'],
  ['GET', '/api/sync/runs/00000000-0000-0000-0000-000000000000/failures'],
  ['GET', '/api/sync/trend'],
];

const PAGES = ['/', '/learners', '/learners/L000123', '/organisations', '/officers', '/qualifications', '/review-types', '/settings', '/runs', '/runs/x'];

describe('admin security', () => {
  let admin: TestAdmin;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
  });
  beforeEach(async () => {
    await admin.reset();
    await admin.api.post('/api/import', providerDocument());
  });
  after(() => admin?.close());

  describe('without logging in', () => {
    it('answers /healthz with the state of PostgreSQL and Redis', async () => {
      const answer = await admin.anonymous.get('/healthz');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ status: 'ok', postgres: 'ok', redis: 'ok' });
    });

    it('refuses every API route with 401 and changes nothing', async () => {
      const before = await admin.db.query('SELECT learner_ident, smart_assessor_id FROM learner ORDER BY 1');
      for (const [method, path, body] of API_ROUTES) {
        const answer = await admin.anonymous.request(method, path, body);
        expect(answer.status, `${method} ${path}`).to.equal(401);
        expect(answer.body.error.code, `${method} ${path}`).to.equal('unauthorized');
      }
      expect(await admin.db.query('SELECT learner_ident, smart_assessor_id FROM learner ORDER BY 1')).to.deep.equal(before);
      expect(await admin.queues.enrolment.count()).to.equal(0);
    });

    it('refuses a wrong bearer token, and a cookie does not rescue it', async () => {
      const browser = await admin.login();
      const wrong = new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN + 'x' });
      expect((await wrong.get('/api/learners')).status).to.equal(401);
      const mixed = await admin.anonymous.request('GET', '/api/learners', undefined, {
        authorization: 'Bearer nope',
        cookie: (browser.credentials as { cookie: string }).cookie,
      });
      expect(mixed.status).to.equal(401);
    });

    it('sends every page to the login page, and keeps the UI scripts behind it too', async () => {
      for (const path of PAGES) {
        const answer = await admin.anonymous.get(path);
        expect(answer.status, path).to.equal(303);
        expect(answer.headers.get('location'), path).to.equal(`/login?next=${encodeURIComponent(path)}`);
      }
      expect((await admin.anonymous.get('/login')).status).to.equal(200);
      expect((await admin.anonymous.get('/assets/login.js')).status).to.equal(200);
      expect((await admin.anonymous.get('/assets/app.css')).status).to.equal(200);
      expect((await admin.anonymous.get('/assets/learners.js')).status).to.equal(401);
      expect((await admin.anonymous.get('/assets/api.js')).status).to.equal(401);
    });

    it('keeps the queue dashboard and its API behind the login', async () => {
      const page = await admin.anonymous.get('/admin/queues');
      expect(page.status).to.equal(303);
      expect(page.headers.get('location')).to.equal('/login?next=%2Fadmin%2Fqueues');
      expect((await admin.anonymous.get('/admin/queues/api/queues')).status).to.equal(401);
      const retry = await admin.anonymous.request('PUT', '/admin/queues/api/queues/enrolment/retry/failed');
      expect(retry.status).to.equal(401);
    });
  });

  describe('logging in', () => {
    it('sets an HttpOnly, SameSite=Strict session cookie for / and answers the CSRF token', async () => {
      const answer = await admin.anonymous.post('/api/session', { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD });
      expect(answer.status).to.equal(200);
      expect(answer.body.csrfToken).to.be.a('string').with.length.greaterThan(30);
      const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('sai_session='))!;
      expect(cookie).to.match(/; HttpOnly/i);
      expect(cookie).to.match(/; SameSite=Strict/i);
      expect(cookie).to.match(/; Path=\//i);
      expect(cookie).not.to.match(/; Secure/i);
    });

    it('marks the cookie Secure when the browser came over https through the proxy', async () => {
      const answer = await admin.anonymous.request(
        'POST',
        '/api/session',
        { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD },
        { 'x-forwarded-proto': 'https' },
      );
      expect(answer.status).to.equal(200);
      expect(answer.headers.getSetCookie().find((line) => line.startsWith('sai_session='))).to.match(/; Secure/i);
    });

    it('stores only a SHA-256 of the session token, and logging out ends the session', async () => {
      const answer = await admin.anonymous.post('/api/session', { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD });
      const token = sessionCookie(answer.headers).split('=')[1]!;
      const rows = await admin.db.getRepository(AdminSession).find();
      expect(rows.map((row) => row.tokenHash)).to.deep.equal([createHash('sha256').update(token).digest('hex')]);
      expect(JSON.stringify(await admin.db.query('SELECT * FROM admin_session'))).not.to.include(token);

      const browser = new ApiClient(admin.url, { kind: 'session', cookie: `sai_session=${token}`, csrfToken: answer.body.csrfToken });
      expect((await browser.get('/api/session')).body).to.deep.equal({ username: TEST_ADMIN_USERNAME, csrfToken: answer.body.csrfToken });
      const out = await browser.delete('/api/session');
      expect(out.status).to.equal(204);
      expect(await admin.db.getRepository(AdminSession).count()).to.equal(0);
      expect((await browser.get('/api/learners')).status).to.equal(401);
    });

    it('refuses a wrong password with 401, and locks the username at this address after five failures with 429', async () => {
      const attempt = (password: string, ip = '203.0.113.7') =>
        admin.anonymous.request('POST', '/api/session', { username: TEST_ADMIN_USERNAME, password }, { 'x-forwarded-for': ip });
      for (let failure = 1; failure <= 4; failure += 1) {
        const answer = await attempt('wrong password');
        expect(answer.status, `failure ${failure}`).to.equal(401);
        expect(answer.body.error.message).to.equal('Wrong username or password');
      }
      const fifth = await attempt('wrong password');
      expect(fifth.status).to.equal(429);
      expect(fifth.body.error.message).to.match(/Too many failed log-ins .* try again in \d+ minutes?/);
      expect(Number(fifth.headers.get('retry-after'))).to.be.greaterThan(0);

      const rightButLocked = await attempt(TEST_ADMIN_PASSWORD);
      expect(rightButLocked.status).to.equal(429);
      expect(rightButLocked.headers.getSetCookie()).to.deep.equal([]);

      expect((await attempt(TEST_ADMIN_PASSWORD, '203.0.113.8')).status, 'the same user from another address').to.equal(200);
    });

    it('names the missing fields of a log-in', async () => {
      const answer = await admin.anonymous.post('/api/session', { username: '' });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(answer.body.error.fields).to.have.keys('username', 'password');
    });

    it('refuses a log-in posted from another site', async () => {
      const answer = await admin.anonymous.request(
        'POST',
        '/api/session',
        { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD },
        { origin: 'https://evil.example' },
      );
      expect(answer.status).to.equal(403);
      expect(answer.headers.getSetCookie()).to.deep.equal([]);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie request that changes state without the token, or with a wrong one, and changes nothing', async () => {
      const browser = await admin.login();
      const cookie = (browser.credentials as { cookie: string }).cookie;
      const without = new ApiClient(admin.url, { kind: 'session', cookie });
      const wrong = new ApiClient(admin.url, { kind: 'session', cookie, csrfToken: 'not-the-token' });
      for (const client of [without, wrong]) {
        const answer = await client.put('/api/learners/L000124/smart-assessor-id', { smartAssessorId: '9999' });
        expect(answer.status).to.equal(403);
        expect(answer.body.error.code).to.equal('csrf_failed');
        expect((await client.put('/api/settings', { learnerDemographicsMode: 'Push' })).status).to.equal(403);
        expect((await client.delete('/api/session')).status).to.equal(403);
      }
      expect((await admin.api.get('/api/learners/L000124')).body.smartAssessorId).to.equal(null);
      expect((await admin.api.get('/api/settings')).body.learnerDemographicsMode).to.equal('None');
      expect((await without.get('/api/learners')).status, 'reading needs no token').to.equal(200);

      const withToken = await browser.put('/api/learners/L000124/smart-assessor-id', { smartAssessorId: '9999' });
      expect(withToken.status).to.equal(200);
      expect(withToken.body.smartAssessorId).to.equal('9999');
    });

    it('needs no token for bearer requests', async () => {
      const answer = await admin.api.put('/api/learners/L000124/smart-assessor-id', { smartAssessorId: '9998' });
      expect(answer.status).to.equal(200);
    });

    it('guards the dashboard actions too, accepting the token its client echoes from the XSRF-TOKEN cookie', async () => {
      const browser = await admin.login();
      const { cookie, csrfToken } = browser.credentials as { cookie: string; csrfToken: string };
      const page = await admin.anonymous.request('GET', '/admin/queues', undefined, { cookie });
      expect(page.status).to.equal(200);
      const xsrf = page.headers.getSetCookie().find((line) => line.startsWith('XSRF-TOKEN='))!;
      expect(xsrf).to.include(`XSRF-TOKEN=${csrfToken}`);
      expect(xsrf).to.match(/SameSite=Strict/i);
      expect(xsrf).to.match(/Path=\/admin\/queues/i);

      const refused = await admin.anonymous.request('PUT', '/admin/queues/api/queues/enrolment/retry/failed', undefined, { cookie });
      expect(refused.status).to.equal(403);
      const accepted = await admin.anonymous.request('PUT', '/admin/queues/api/queues/enrolment/retry/failed', undefined, {
        cookie,
        'x-xsrf-token': csrfToken,
      });
      expect(accepted.status).to.equal(200);
    });
  });

  describe('headers', () => {
    it('sends a CSP that allows only the UI\'s own scripts and styles, and the other helmet headers', async () => {
      const answer = await admin.anonymous.get('/login');
      const csp = answer.headers.get('content-security-policy')!;
      expect(csp).to.include("script-src 'self'");
      expect(csp).to.include("style-src 'self'");
      expect(csp).not.to.include('unsafe-inline');
      expect(csp).to.include("frame-ancestors 'none'");
      expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(answer.headers.get('x-powered-by')).to.equal(null);
    });
  });

  describe('the first admin', () => {
    it('is created from ADMIN_USERNAME and ADMIN_PASSWORD and can log in straight away', async () => {
      const users = await admin.db.getRepository(AdminUser).find();
      expect(users.map((user) => user.username)).to.deep.equal([TEST_ADMIN_USERNAME]);
      expect(users[0]!.passwordHash).to.match(/^\$2[aby]\$/);
      expect(users[0]!.passwordHash).not.to.include(TEST_ADMIN_PASSWORD);
      expect((await admin.login()).credentials.kind).to.equal('session');
    });

    it('without them, gets a one-time password printed once, which logs in', async () => {
      await admin.db.query('DELETE FROM admin_user');
      const printed: string[] = [];
      expect(await ensureFirstAdmin(admin.db, { passwordRounds: 4, announce: (text) => printed.push(text) })).to.equal('created-with-one-time-password');
      expect(await ensureFirstAdmin(admin.db, { passwordRounds: 4, announce: (text) => printed.push(text) })).to.equal('unchanged');
      expect(printed).to.have.length(1);
      const password = /one-time password: (\S+)/.exec(printed[0]!)![1]!;
      expect((await admin.login(GENERATED_ADMIN_USERNAME, password)).credentials.kind).to.equal('session');
      expect(admin.log.text()).not.to.include(password);
    });
  });

  describe('secrets', () => {
    it('never returns or logs the Smart Assessor password, client key, API token or session token', async () => {
      const browser = await admin.login();
      const password = 'sa-password-' + Date.now();
      const clientKey = 'sa-client-key-' + Date.now();
      const saved = await browser.put('/api/settings', { username: 'api.user', password, clientKey });
      expect(saved.status).to.equal(200);
      expect(saved.body).to.include({ passwordSet: true, clientKeySet: true });
      const answers = [saved.text];
      for (const [method, path] of API_ROUTES.filter(([method]) => method === 'GET')) answers.push((await browser.request(method, path)).text);
      answers.push((await admin.api.post('/api/import', { settings: { password, clientKey } })).text);
      const everything = answers.join('\n') + '\n' + admin.log.text();
      const sessionToken = (browser.credentials as { cookie: string }).cookie.split('=')[1]!;
      for (const secret of [password, clientKey, TEST_API_TOKEN, sessionToken, TEST_ADMIN_PASSWORD]) {
        expect(everything).not.to.include(secret);
      }
      const stored = await admin.db.query('SELECT password_encrypted, client_key_encrypted FROM integration_settings');
      expect(JSON.stringify(stored)).not.to.include(password);
      expect(JSON.stringify(stored)).not.to.include(clientKey);
    });
  });
});
