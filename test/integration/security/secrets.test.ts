import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startTestAdmin, TEST_ADMIN_PASSWORD, TEST_API_TOKEN, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from '../admin/fixtures.js';
import { API_READS } from './shared.js';

/** Somewhere to point the settings at that writes down every request it receives (an attacker's host, as far as a test can tell). */
interface Listener {
  baseUrl: string;
  received: string[];
  close(): Promise<void>;
}

async function startListener(): Promise<Listener> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      // Refused credentials: the client gives up at once rather than retrying.
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthorized', message: 'no' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Smart Assessor password and client key: write-only, sealed, never sent anywhere but the address they were given for. */
describe('security: secrets', () => {
  let admin: TestAdmin;
  let listener: Listener;
  /** Where the stored secrets belong: https, on this machine, where nothing listens (a Connection Test there fails at once). */
  const HOME = 'https://127.0.0.1:9/api/v1';
  const PASSWORD = 'stored-sa-password-' + Date.now();
  const CLIENT_KEY = 'stored-sa-client-key-' + Date.now();

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
    listener = await startListener();
  });
  beforeEach(async () => {
    await admin.reset();
    listener.received.length = 0;
    await admin.api.post('/api/import', providerDocument());
    expect((await admin.api.put('/api/settings', { baseUrl: HOME, username: 'api.user', password: PASSWORD, clientKey: CLIENT_KEY })).status).to.equal(200);
  });
  after(async () => {
    await admin?.close();
    await listener?.close();
  });

  it('never returns or logs the Smart Assessor password, client key, API token or session token', async () => {
    const browser = await admin.login();
    const password = 'sa-password-' + Date.now();
    const clientKey = 'sa-client-key-' + Date.now();
    const saved = await browser.put('/api/settings', { username: 'api.user', password, clientKey });
    expect(saved.status).to.equal(200);
    expect(saved.body).to.include({ passwordSet: true, clientKeySet: true });
    const answers = [saved.text];
    for (const path of API_READS) answers.push((await browser.get(path)).text);
    answers.push((await admin.api.post('/api/import', { settings: { password, clientKey } })).text);
    const everything = answers.join('\n') + '\n' + admin.log.text();
    const sessionToken = (browser.credentials as { cookie: string }).cookie.split('=')[1]!;
    for (const secret of [password, clientKey, PASSWORD, CLIENT_KEY, TEST_API_TOKEN, sessionToken, TEST_ADMIN_PASSWORD]) {
      expect(everything).not.to.include(secret);
    }
    const stored = await admin.db.query('SELECT password_encrypted, client_key_encrypted FROM integration_settings');
    expect(JSON.stringify(stored)).not.to.include(password);
    expect(JSON.stringify(stored)).not.to.include(clientKey);
  });

  it('refuses a new baseUrl without a password and client key of its own, naming both, so a Connection Test cannot carry the stored ones there', async () => {
    const moved = await admin.api.put('/api/settings', { baseUrl: listener.baseUrl });
    expect(moved.status).to.equal(400);
    expect(moved.body.error.code).to.equal('validation_failed');
    expect(moved.body.error.fields).to.have.keys('password', 'clientKey');
    expect((await admin.api.get('/api/settings')).body).to.include({ baseUrl: HOME, passwordSet: true, clientKeySet: true });

    const halfMoved = await admin.api.put('/api/settings', { baseUrl: listener.baseUrl, password: 'a new one' });
    expect(halfMoved.status).to.equal(400);
    expect(halfMoved.body.error.fields).to.have.keys('clientKey');

    expect((await admin.api.post('/api/connection-test')).body.ok).to.equal(false);
    expect(listener.received, 'requests that reached the new address').to.deep.equal([]);
  });

  it('refuses a new baseUrl through the import too, naming the settings fields', async () => {
    const answer = await admin.api.post('/api/import', { settings: { baseUrl: listener.baseUrl, learnerDemographicsMode: 'Push' } });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.fields).to.have.keys('settings.password', 'settings.clientKey');
    expect((await admin.api.get('/api/settings')).body).to.include({ baseUrl: HOME, learnerDemographicsMode: 'None' });
  });

  it('refuses a baseUrl set back to the deployment default (null) without the secrets too', async () => {
    const cleared = await admin.api.put('/api/settings', { baseUrl: null });
    expect(cleared.status).to.equal(400);
    expect(cleared.body.error.fields).to.have.keys('password', 'clientKey');
    const clearedWithSecrets = await admin.api.put('/api/settings', { baseUrl: null, password: null, clientKey: null });
    expect(clearedWithSecrets.status).to.equal(200);
    expect(clearedWithSecrets.body).to.include({ baseUrl: null, passwordSet: false, clientKeySet: false });
  });

  it('sends only the password and client key given with a new baseUrl there', async () => {
    const moved = await admin.api.put('/api/settings', { baseUrl: listener.baseUrl, password: 'meant-for-there', clientKey: 'key-for-there' });
    expect(moved.status).to.equal(200);
    await admin.api.post('/api/connection-test');
    expect(listener.received.join('\n')).to.include('meant-for-there');
    expect(listener.received.join('\n')).not.to.include(PASSWORD);
    expect(listener.received.join('\n')).not.to.include(CLIENT_KEY);
  });

  it('needs no secrets for a patch that keeps the baseUrl, or leaves it out', async () => {
    expect((await admin.api.put('/api/settings', { baseUrl: HOME, learnerDemographicsMode: 'Push' })).status).to.equal(200);
    expect((await admin.api.put('/api/settings', { username: 'other.user' })).status).to.equal(200);
    expect((await admin.api.put('/api/settings', { password: 'only the password' })).status).to.equal(200);
    expect((await admin.api.get('/api/settings')).body).to.include({ baseUrl: HOME, username: 'other.user', passwordSet: true, clientKeySet: true });
  });

  it('refuses http:// to any host but this machine', async () => {
    const secrets = { password: 'p', clientKey: 'k' };
    for (const baseUrl of ['http://sa.provider.example/api/v1', 'http://10.0.0.5/api/v1', 'http://127.0.0.1.nip.io/api/v1', 'http://localhost.example/api/v1']) {
      const answer = await admin.api.put('/api/settings', { baseUrl, ...secrets });
      expect(answer.status, baseUrl).to.equal(400);
      expect(answer.body.error.fields, baseUrl).to.have.keys('baseUrl');
    }
    for (const baseUrl of ['https://sa.provider.example/api/v1', 'http://127.0.0.1:4010/api/v1', 'http://localhost:4010/api/v1', 'http://[::1]:4010/api/v1']) {
      expect((await admin.api.put('/api/settings', { baseUrl, ...secrets })).status, baseUrl).to.equal(200);
    }
  });
});
