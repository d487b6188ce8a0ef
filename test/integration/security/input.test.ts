import { request } from 'node:http';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { TEST_ADMIN_PASSWORD, TEST_API_TOKEN, type TestAdmin } from '../../support/admin.js';
import { providerDocument } from '../admin/fixtures.js';
import { useProviderAdmin } from './shared.js';

/** `depth` objects nested in one another, innermost `{}`, as JSON text (built as text: no recursion to make it). */
function nested(depth: number, key = 'a'): string {
  return `{"${key}":`.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
}

/**
 * POSTs a body of `bytes` spaces, streamed a megabyte at a time, and answers the status.
 * The server reads a body it refuses to the end (and throws it away) before it answers.
 */
function postBodyOfSize(url: string, path: string, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 0x20);
  function* body() {
    for (let left = bytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  return new Promise((resolve, reject) => {
    const sent = request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(bytes), authorization: `Bearer ${TEST_API_TOKEN}` },
    });
    sent.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', reject);
    Readable.from(body()).pipe(sent);
  });
}

/** Input the database cannot store or the server should not swallow: NUL characters, deep nesting, oversized bodies and fields. */
describe('security: input', () => {
  let admin: TestAdmin;
  useProviderAdmin((started) => (admin = started));

  function expectRefused(answer: { status: number; body: any }, field: string): void {
    expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
    expect(answer.body.error.code).to.equal('validation_failed');
    expect(answer.body.error.fields).to.have.keys(field);
  }

  describe('NUL characters, which PostgreSQL text cannot hold', () => {
    it('refuses them in a search, naming the parameter', async () => {
      for (const path of ['/api/learners?search=Am%00ira', '/api/organisations?search=Ac%00me', '/api/officers?search=%00']) {
        expectRefused(await admin.api.get(path), 'search');
      }
    });

    it('refuses them in ids, naming the id', async () => {
      expectRefused(await admin.api.get('/api/learners/L000%00123'), 'ident');
      expectRefused(await admin.api.get('/api/learners/L000%00123/history'), 'ident');
      expectRefused(await admin.api.post('/api/learners/L000%00123/sync'), 'ident');
      expectRefused(await admin.api.put('/api/organisations/ORG%007/additional-id', { additionalId: '1' }), 'ref');
      expectRefused(await admin.api.put('/api/officers/OFF%002/additional-id', { additionalId: '1' }), 'ref');
      expectRefused(await admin.api.get('/api/sync/runs/%00'), 'runId');
    });

    it('refuses them in import fields and keys, naming the field, and writes nothing', async () => {
      const document = providerDocument();
      document.learners![0]!.firstName = 'Am\u0000ira';
      expectRefused(await admin.api.post('/api/import', document), 'learners[0].firstName');
      const review = providerDocument();
      review.learners![0]!.reviews![0]!.notes = 'Good\u0000progress';
      expectRefused(await admin.api.post('/api/import', review), 'learners[0].reviews[0].notes');
      expectRefused(await admin.api.post('/api/import', '{"reviewTypes":[{"code":"X","name":"Y","no\\u0000te":1}]}'), 'reviewTypes[0].no\u0000te');
      expect((await admin.api.get('/api/learners/L000123')).body.firstName).to.equal('Amira');
    });

    it('refuses them in a log-in and in settings', async () => {
      expectRefused(await admin.anonymous.post('/api/session', { username: 'test\u0000admin', password: TEST_ADMIN_PASSWORD }), 'username');
      expectRefused(await admin.api.put('/api/settings', { username: 'api\u0000user' }), 'username');
    });
  });

  describe('nesting', () => {
    it('refuses a body nested a hundred thousand deep with 400, not a crash', async () => {
      for (const path of ['/api/settings', '/api/import', '/api/review-type-mappings']) {
        const method = path === '/api/import' ? 'POST' : 'PUT';
        expectRefused(await admin.api.request(method, path, nested(100_000)), 'body');
      }
      // A log-in body may be 10 kB: a thousand levels fit in it.
      expectRefused(await admin.anonymous.request('POST', '/api/session', nested(1_000)), 'body');
      expect((await admin.anonymous.get('/healthz')).status).to.equal(200);
    });

    it('allows twenty levels of objects and arrays, which is more than any body of the API needs, and no more', async () => {
      // 20 levels: answered on its merits (there is no setting "a").
      const twenty = await admin.api.put('/api/settings', nested(20));
      expect(twenty.status).to.equal(400);
      expect(twenty.body.error.fields).to.have.keys('a');
      expectRefused(await admin.api.put('/api/settings', nested(21)), 'body');
    });
  });

  describe('sizes', () => {
    it('refuses an import document over 100 MB, without keeping it', async () => {
      expect(await postBodyOfSize(admin.url, '/api/import', 100 * 1024 * 1024 + 1)).to.equal(413);
    });

    it('refuses a body over 1 MB on every other route', async () => {
      expect(await postBodyOfSize(admin.url, '/api/learners/L000124/sync', 1024 * 1024 + 1)).to.equal(413);
    });

    it('bounds review notes at 10,000 characters', async () => {
      const long = providerDocument();
      long.learners![0]!.reviews![0]!.notes = 'n'.repeat(10_001);
      expectRefused(await admin.api.post('/api/import', long), 'learners[0].reviews[0].notes');
      const fits = providerDocument();
      fits.learners![0]!.reviews![0]!.notes = 'n'.repeat(10_000);
      expect((await admin.api.post('/api/import', fits)).status).to.equal(200);
    });

    it('bounds names, and the Smart Assessor password and client key', async () => {
      const named = providerDocument();
      named.learners![0]!.surname = 's'.repeat(101);
      expectRefused(await admin.api.post('/api/import', named), 'learners[0].surname');
      expectRefused(await admin.api.put('/api/settings', { password: 'p'.repeat(1_001) }), 'password');
      expectRefused(await admin.api.put('/api/settings', { clientKey: 'k'.repeat(1_001) }), 'clientKey');
      expect((await admin.api.put('/api/settings', { password: 'p'.repeat(1_000), clientKey: 'k'.repeat(1_000) })).status).to.equal(200);
    });
  });
});
