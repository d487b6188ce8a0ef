import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import { AdminSession, AdminUser } from '../../../entities/index.js';
import { ensureFirstAdmin, GENERATED_ADMIN_USERNAME } from '../../../src/admin/auth/first-admin.js';
import { DEFAULT_PASSWORD_COST, PasswordHasher } from '../../../src/admin/auth/passwords.js';
import { adminOptionsFromConfig } from '../../../src/admin/server.js';
import { loadConfig } from '../../../src/config/environment.js';
import {
  ApiClient,
  sessionCookie,
  startTestAdmin,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  TEST_API_TOKEN,
  TEST_PASSWORD_COST,
  type TestAdmin,
  type TestAdminOverrides,
} from '../../support/admin.js';
import { FIXED_NOW } from '../admin/fixtures.js';
import { API_ROUTES, PAGES, useProviderAdmin } from './shared.js';

interface SentRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: object;
}

interface Answered {
  status: number;
  code?: string;
  /** Milliseconds from sending them all to this answer. */
  ms: number;
}

/**
 * Sends the requests all at once from a child process, as clients elsewhere would: sent
 * from this process, each would wait for the server's event loop, which is this one.
 */
async function requestsAtOnceFromAnotherProcess(url: string, requests: SentRequest[]): Promise<Answered[]> {
  const script = `
    const [url, requests] = JSON.parse(process.argv[1]);
    const sent = Date.now();
    const answers = await Promise.all(requests.map(async ({ method, path, body }) => {
      const response = await fetch(url + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
      const answer = await response.json().catch(() => null);
      return { status: response.status, code: answer?.error?.code, ms: Date.now() - sent };
    }));
    process.stdout.write(JSON.stringify(answers));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([url, requests])]);
  return JSON.parse(stdout) as Answered[];
}

const logInRequest = (username: string, password: string): SentRequest => ({ method: 'POST', path: '/api/session', body: { username, password } });

/** Log-in, sessions and who may reach what: the throttle, password hashing, the redirect after log-in, CSRF. */
describe('security: logging in and sessions', () => {
  let admin: TestAdmin;
  useProviderAdmin((started) => (admin = started));

  /** An admin server of the test's own (it shares the database), closed when `test` ends. */
  async function withAdmin(overrides: TestAdminOverrides, test: (other: TestAdmin) => Promise<void>): Promise<void> {
    const other = await startTestAdmin({ now: () => FIXED_NOW, ...overrides });
    try {
      await test(other);
    } finally {
      await other.close();
    }
  }

  const logIn = (client: ApiClient, password: string, headers: Record<string, string> = {}, username = TEST_ADMIN_USERNAME) =>
    client.request('POST', '/api/session', { username, password }, headers);

  const statusCounts = (statuses: number[]) => statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

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
  });

  describe('the page after logging in', () => {
    const offSite = [
      '/%5Cexample.invalid/x',
      '/\\example.invalid/x',
      '//example.invalid/x',
      '///example.invalid/x',
      '/%2F/example.invalid/x',
      '/%252F%252Fexample.invalid/x',
      '%2F%2Fexample.invalid/x',
      'https://example.invalid/x',
      'javascript:alert(1)',
      '/\t/example.invalid/x',
      'example.invalid',
    ];
    for (const next of offSite) {
      it(`drops next=${JSON.stringify(next)}, which would leave the site, before the login page loads`, async () => {
        const answer = await admin.anonymous.get(`/login?next=${encodeURIComponent(next)}`);
        expect(answer.status).to.equal(303);
        expect(answer.headers.get('location')).to.equal('/login');
      });
    }

    it('keeps a next that is a path on this site', async () => {
      for (const next of ['/learners', '/learners/L000123?tab=history', '/admin/queues/queue/enrolment?status=failed', '/runs/6f1c2d3e#top']) {
        expect((await admin.anonymous.get(`/login?next=${encodeURIComponent(next)}`)).status, next).to.equal(200);
      }
    });
  });

  describe('the log-in throttle', () => {
    it('refuses a wrong password with 401, and locks the username at one address after five failures with 429', async () => {
      await withAdmin({ trustProxy: ['loopback'] }, async (proxied) => {
        const attempt = (password: string, ip = '203.0.113.7') => logIn(proxied.anonymous, password, { 'x-forwarded-for': ip });
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
    });

    it('counts 30 guesses sent at once before checking any: five passwords are tried, not all 30', async () => {
      // A check as slow as a real one (a bcrypt hash at cost 12, as earlier releases stored), so
      // that guesses counted only after their check would all be checked before any was counted.
      await admin.db.getRepository(AdminUser).update({ username: TEST_ADMIN_USERNAME }, { passwordHash: bcrypt.hashSync(TEST_ADMIN_PASSWORD, 12) });
      // Enough password checks at once for all 30: only the throttle may hold them back.
      await withAdmin({ passwordChecksAtOnce: 30 }, async (roomy) => {
        // The right password among them shows which guesses were checked: a checked one is let in (200), one never checked is not.
        const guesses = Array.from({ length: 30 }, (_, guess) => logInRequest(TEST_ADMIN_USERNAME, guess < 24 ? `guess number ${guess}` : TEST_ADMIN_PASSWORD));
        const answers = await requestsAtOnceFromAnotherProcess(roomy.url, guesses);
        const counts = statusCounts(answers.map((answer) => answer.status));
        expect((counts[200] ?? 0) + (counts[401] ?? 0), `answered after a check: ${JSON.stringify(counts)}`).to.be.within(1, 5);
        expect(Object.keys(counts)).to.include('429');
        expect(answers.filter((answer) => answer.status === 429).every((answer) => answer.code === 'too_many_attempts')).to.equal(true);
      });
    });

    it('counts guesses at one username from many addresses together', async () => {
      await withAdmin({ trustProxy: ['loopback'] }, async (proxied) => {
        const fromAddress = (host: number, password: string) => logIn(proxied.anonymous, password, { 'x-forwarded-for': `198.51.100.${host}` });
        const statuses: number[] = [];
        for (let host = 1; host <= 20; host += 1) statuses.push((await fromAddress(host, 'wrong password')).status);
        expect(statusCounts(statuses)).to.deep.equal({ 401: 19, 429: 1 });
        expect((await fromAddress(99, TEST_ADMIN_PASSWORD)).status, 'the right password from an address never used').to.equal(429);
      });
    });

    it('counts guesses from one address at many usernames together', async () => {
      const statuses: number[] = [];
      for (let name = 1; name <= 50; name += 1) statuses.push((await logIn(admin.anonymous, 'wrong password', {}, `someone.${name}`)).status);
      expect(statusCounts(statuses)).to.deep.equal({ 401: 49, 429: 1 });
      expect((await logIn(admin.anonymous, TEST_ADMIN_PASSWORD)).status, 'the real admin from that address').to.equal(429);
    });

    it('gives the count back for a right password', async () => {
      for (let round = 1; round <= 3; round += 1) {
        for (let failure = 1; failure <= 4; failure += 1) expect((await logIn(admin.anonymous, 'wrong password')).status).to.equal(401);
        expect((await logIn(admin.anonymous, TEST_ADMIN_PASSWORD)).status, `round ${round}`).to.equal(200);
      }
    });

    it('believes no X-Forwarded-For or X-Forwarded-Proto unless TRUST_PROXY names the proxy', async () => {
      for (let failure = 1; failure <= 5; failure += 1) await logIn(admin.anonymous, 'wrong password', { 'x-forwarded-for': '203.0.113.7' });
      const claimedElsewhere = await logIn(admin.anonymous, TEST_ADMIN_PASSWORD, { 'x-forwarded-for': '203.0.113.99', 'x-forwarded-proto': 'https' });
      expect(claimedElsewhere.status, 'a client cannot pick its own address').to.equal(429);

      await admin.reset();
      const plain = await logIn(admin.anonymous, TEST_ADMIN_PASSWORD, { 'x-forwarded-proto': 'https' });
      expect(plain.status).to.equal(200);
      expect(
        plain.headers.getSetCookie().find((line) => line.startsWith('sai_session=')),
        "not Secure on a client's say-so",
      ).not.to.match(/; Secure/i);
    });

    it('logs a refused log-in with the username and the address, never the password', async () => {
      const password = 'wrong-password-' + Date.now();
      expect((await logIn(admin.anonymous, password)).status).to.equal(401);
      const refusal = admin.log.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.message === 'log-in refused')
        .at(-1);
      expect(refusal).to.include({ level: 'warn', username: TEST_ADMIN_USERNAME });
      expect(String(refusal!.ip)).to.match(/127\.0\.0\.1$/);
      expect(admin.log.text()).not.to.include(password);
    });
  });

  describe('password hashing', () => {
    it('checks passwords off the event loop: /healthz answers while 20 log-ins with unknown names are checked, beyond two at once they are refused', async function () {
      this.timeout(120_000);
      // The product's own scrypt cost: the point is how long a real check takes.
      await withAdmin({ passwordCost: DEFAULT_PASSWORD_COST }, async (real) => {
        const held = monitorEventLoopDelay({ resolution: 10 });
        held.enable();
        // Twenty log-ins with unknown names, and /healthz asked right behind them.
        const requests = [...Array.from({ length: 20 }, (_, index) => logInRequest(`unknown.${index}`, 'any password')), { method: 'GET' as const, path: '/healthz' }];
        const answers = await requestsAtOnceFromAnotherProcess(real.url, requests);
        held.disable();
        const health = answers.pop()!;
        const logins = answers;

        // The longest the event loop was held at once while the passwords were checked. bcryptjs held it for 100 ms
        // a check at a time, round the 20 checks: two seconds. Generous, as a busy machine stretches every turn of the loop.
        expect(held.max / 1e6, 'longest event loop delay, ms').to.be.below(1_000);
        expect(health.status).to.equal(200);
        const checked = logins.filter((answer) => answer.status === 401);
        expect(Math.max(...checked.map((answer) => answer.ms)), '/healthz answered while passwords were still being checked').to.be.greaterThan(health.ms);
        expect(checked.length, 'log-ins whose password was checked').to.be.within(1, 19);
        expect(logins.filter((answer) => answer.status === 429).every((answer) => answer.code === 'login_busy')).to.equal(true);
      });
    });

    it('refuses a log-in with 429 while every password check is busy, without counting it as a failure', async () => {
      await withAdmin({ passwordCost: DEFAULT_PASSWORD_COST, passwordChecksAtOnce: 1 }, async (single) => {
        const answers = await Promise.all([logIn(single.anonymous, 'wrong password'), logIn(single.anonymous, 'wrong password')]);
        const busy = answers.find((answer) => answer.status === 429)!;
        expect(busy.body.error.code).to.equal('login_busy');
        expect(busy.headers.get('retry-after')).to.equal('1');
        for (let failure = 2; failure <= 4; failure += 1) expect((await logIn(single.anonymous, 'wrong password')).status, `failure ${failure}`).to.equal(401);
      });
    });

    it('hashes new passwords with scrypt, and still accepts a bcrypt hash made before, replacing it at the next log-in', async () => {
      const [current] = await admin.db.getRepository(AdminUser).find();
      expect(current!.passwordHash).to.match(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);

      await admin.db.getRepository(AdminUser).update({ username: TEST_ADMIN_USERNAME }, { passwordHash: bcrypt.hashSync(TEST_ADMIN_PASSWORD, 4) });
      expect((await logIn(admin.anonymous, 'not the password')).status).to.equal(401);
      expect((await admin.db.getRepository(AdminUser).findOneByOrFail({ username: TEST_ADMIN_USERNAME })).passwordHash).to.match(/^\$2[aby]\$/);
      expect((await logIn(admin.anonymous, TEST_ADMIN_PASSWORD)).status).to.equal(200);
      const rehashed = (await admin.db.getRepository(AdminUser).findOneByOrFail({ username: TEST_ADMIN_USERNAME })).passwordHash;
      expect(rehashed).to.match(/^\$scrypt\$/);
      expect((await new PasswordHasher(TEST_PASSWORD_COST).verify(TEST_ADMIN_PASSWORD, rehashed)).matches).to.equal(true);
      expect((await logIn(admin.anonymous, TEST_ADMIN_PASSWORD)).status).to.equal(200);
    });
  });

  describe('sessions', () => {
    it('sets an HttpOnly, SameSite=Strict session cookie for / and answers the CSRF token', async () => {
      const answer = await logIn(admin.anonymous, TEST_ADMIN_PASSWORD);
      expect(answer.status).to.equal(200);
      expect(answer.body.csrfToken).to.be.a('string').with.length.greaterThan(30);
      const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('sai_session='))!;
      expect(cookie).to.match(/; HttpOnly/i);
      expect(cookie).to.match(/; SameSite=Strict/i);
      expect(cookie).to.match(/; Path=\//i);
      expect(cookie).not.to.match(/; Secure/i);
    });

    it('marks the cookie Secure when the browser came over https through a trusted proxy', async () => {
      await withAdmin({ trustProxy: ['loopback'] }, async (proxied) => {
        const answer = await logIn(proxied.anonymous, TEST_ADMIN_PASSWORD, { 'x-forwarded-proto': 'https' });
        expect(answer.status).to.equal(200);
        expect(answer.headers.getSetCookie().find((line) => line.startsWith('sai_session='))).to.match(/; Secure/i);
      });
    });

    it('stores only a SHA-256 of the session token, and logging out ends the session', async () => {
      const answer = await logIn(admin.anonymous, TEST_ADMIN_PASSWORD);
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

    it('ends a session left idle for ADMIN_SESSION_IDLE_MINUTES, and keeps one in use alive', async () => {
      const { sessionLifetime } = adminOptionsFromConfig(loadConfig({ ADMIN_SESSION_IDLE_MINUTES: '5', ADMIN_SESSION_MAX_HOURS: '2' }));
      await withAdmin({ sessionLifetime }, async (configured) => {
        const idle = await configured.login();
        const busy = await configured.login();
        const idleToken = (idle.credentials as { cookie: string }).cookie.split('=')[1]!;
        const idleHash = createHash('sha256').update(idleToken).digest('hex');
        await configured.db.query(`UPDATE admin_session SET last_seen_at = now() - interval '6 minutes' WHERE token_hash = $1`, [idleHash]);
        await configured.db.query(`UPDATE admin_session SET last_seen_at = now() - interval '4 minutes' WHERE token_hash <> $1`, [idleHash]);

        expect((await idle.get('/api/learners')).status, 'idle for 6 minutes').to.equal(401);
        expect((await busy.get('/api/learners')).status, 'idle for 4 minutes').to.equal(200);
        const [{ seconds }] = await configured.db.query(`SELECT extract(epoch FROM now() - last_seen_at)::int AS seconds FROM admin_session WHERE token_hash <> $1`, [idleHash]);
        expect(seconds, 'the request counted as activity').to.be.below(60);

        const [{ hours }] = await configured.db.query(`SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours FROM admin_session WHERE token_hash <> $1`, [
          idleHash,
        ]);
        expect(hours, 'ADMIN_SESSION_MAX_HOURS').to.equal(2);
        await configured.db.query(`UPDATE admin_session SET expires_at = now() - interval '1 second', last_seen_at = now()`);
        expect((await busy.get('/api/learners')).status, 'past the fixed limit, however busy').to.equal(401);
      });
    });

    it('names the missing fields of a log-in', async () => {
      const answer = await admin.anonymous.post('/api/session', { username: '' });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      expect(answer.body.error.fields).to.have.keys('username', 'password');
    });

    it('refuses a log-in posted from another site', async () => {
      const answer = await logIn(admin.anonymous, TEST_ADMIN_PASSWORD, { origin: 'https://evil.example' });
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
  });

  describe('the first admin', () => {
    it('is created from ADMIN_USERNAME and ADMIN_PASSWORD and can log in straight away', async () => {
      const users = await admin.db.getRepository(AdminUser).find();
      expect(users.map((user) => user.username)).to.deep.equal([TEST_ADMIN_USERNAME]);
      expect(users[0]!.passwordHash).not.to.include(TEST_ADMIN_PASSWORD);
      expect((await admin.login()).credentials.kind).to.equal('session');
    });

    it('without them, gets a one-time password printed once, which logs in', async () => {
      await admin.db.query('DELETE FROM admin_user');
      const printed: string[] = [];
      const passwords = new PasswordHasher(TEST_PASSWORD_COST);
      expect(await ensureFirstAdmin(admin.db, { passwords, announce: (text) => printed.push(text) })).to.equal('created-with-one-time-password');
      expect(await ensureFirstAdmin(admin.db, { passwords, announce: (text) => printed.push(text) })).to.equal('unchanged');
      expect(printed).to.have.length(1);
      const password = /one-time password: (\S+)/.exec(printed[0]!)![1]!;
      expect((await admin.login(GENERATED_ADMIN_USERNAME, password)).credentials.kind).to.equal('session');
      expect(admin.log.text()).not.to.include(password);
    });
  });
});
