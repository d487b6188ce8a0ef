import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PermanentError, ValidationFailedError } from '../../../src/failure-kinds.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { resetDatabase, testDataSource } from '../../support/database.js';

async function refusal(promise: Promise<unknown>): Promise<ValidationFailedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationFailedError);
    return error as ValidationFailedError;
  }
  throw new Error('expected the update to be refused');
}

describe('SettingsService', () => {
  let db: DataSource;
  const box = new SecretBox(randomBytes(32));

  before(async () => {
    db = await testDataSource();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await db.query(`INSERT INTO review_type (code, name) VALUES ('PR', 'Progress Review'), ('IND', 'Induction')`);
  });

  it('shows every setting with its default, and no secret', async () => {
    const view = await new SettingsService(db, box).view();
    expect(view).to.deep.include({
      integrationEnabled: true,
      baseUrl: null,
      username: null,
      passwordSet: false,
      clientKeySet: false,
      learnerDemographicsMode: 'None',
      secondAssessorRole: null,
      dailySchedule: '02:00',
      timezone: 'Europe/London',
      lastSynchronisedAt: null,
      notificationWebhookUrlSet: false,
      liveSync: false,
    });
    expect(Object.keys(view)).to.have.length(20);
    expect(view.reviewTypeMappings).to.deep.include({ FormalReview: null, EPA: null });
  });

  it('seals the password and client key, answers only that they are set, and gives them back decrypted for the connection', async () => {
    const settings = new SettingsService(db, box);
    const view = await settings.update({ baseUrl: 'https://sa.example/api/v1', username: 'api.user', password: 'hunter2-pw', clientKey: 'ck-9f8e7d' });
    expect(view).to.deep.include({ baseUrl: 'https://sa.example/api/v1', username: 'api.user', passwordSet: true, clientKeySet: true });
    expect(JSON.stringify(view)).not.to.match(/hunter2|ck-9f8e7d/);
    expect(JSON.stringify(await settings.view())).not.to.match(/hunter2|ck-9f8e7d/);

    const [row] = await db.query('SELECT password_encrypted, client_key_encrypted FROM integration_settings');
    expect(row.password_encrypted).to.match(/^v1:/);
    expect(JSON.stringify(row)).not.to.match(/hunter2|ck-9f8e7d/);

    expect(await settings.connection()).to.deep.equal({ baseUrl: 'https://sa.example/api/v1', username: 'api.user', password: 'hunter2-pw', clientKey: 'ck-9f8e7d' });
  });

  it('seals the notification webhook URL like the password, takes plain http only for a receiver on this machine, and clears it on null', async () => {
    const settings = new SettingsService(db, box);
    const hook = 'https://hooks.example/services/T0/B1/xyzzy-webhook-token';
    const view = await settings.update({ notificationWebhookUrl: hook });
    expect(view.notificationWebhookUrlSet).to.equal(true);
    expect(JSON.stringify(view) + JSON.stringify(await settings.view())).not.to.contain('xyzzy');
    const [row] = await db.query('SELECT notification_webhook_url_encrypted FROM integration_settings');
    expect(row.notification_webhook_url_encrypted).to.match(/^v1:/).and.not.to.contain('xyzzy');
    expect(await settings.notificationWebhookUrl()).to.equal(hook);

    const error = await refusal(settings.update({ notificationWebhookUrl: 'http://hooks.example/plain' }));
    expect(error.fields).to.deep.equal({ notificationWebhookUrl: 'must be https:// (http:// only for a receiver on this machine: localhost, 127.x.x.x, [::1])' });
    expect((await refusal(settings.update({ notificationWebhookUrl: 'hooks.example' }))).fields).to.deep.equal({
      notificationWebhookUrl: 'must be an https:// URL, or null for no notifications',
    });
    expect(await settings.notificationWebhookUrl()).to.equal(hook);
    await settings.update({ notificationWebhookUrl: 'http://127.0.0.1:9000/hook' });
    expect(await settings.notificationWebhookUrl()).to.equal('http://127.0.0.1:9000/hook');
    expect((await settings.update({ notificationWebhookUrl: null })).notificationWebhookUrlSet).to.equal(false);
    expect(await settings.notificationWebhookUrl()).to.equal(null);
  });

  it('takes what the settings leave blank from the defaults it was given, and names what neither has', async () => {
    const simulator = { baseUrl: 'http://127.0.0.1:4010/api/v1', username: 'sim', password: 'sim-pw', clientKey: 'sim-key' };
    await new SettingsService(db, box).update({ username: 'real.user', password: 'real-pw' });
    expect(await new SettingsService(db, box, simulator).connection()).to.deep.equal({ ...simulator, username: 'real.user', password: 'real-pw' });

    const error = await new SettingsService(db, box, { baseUrl: 'http://x' }).connection().catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(PermanentError);
    expect((error as Error).message).to.equal('The Smart Assessor connection is not configured: no client key (set them in Settings)');
  });

  it('clears a secret given as null, and keeps it when the key is absent', async () => {
    const settings = new SettingsService(db, box);
    await settings.update({ password: 'pw', clientKey: 'ck' });
    await settings.update({ username: 'someone' });
    expect(await settings.view()).to.deep.include({ passwordSet: true, clientKeySet: true });
    expect(await settings.update({ password: null })).to.deep.include({ passwordSet: false, clientKeySet: true });
  });

  it('says plainly when the stored secrets were sealed with another key', async () => {
    await new SettingsService(db, box).update({ baseUrl: 'https://sa.example', username: 'u', password: 'pw', clientKey: 'ck' });
    const error = await new SettingsService(db, new SecretBox(randomBytes(32))).connection().catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(PermanentError);
    expect((error as Error).message).to.contain('The stored Smart Assessor password cannot be read');
    expect((error as Error).message).to.contain('another settings encryption key');
  });

  it('refuses a bad patch with every field and reason, and writes none of it', async () => {
    const settings = new SettingsService(db, box);
    const error = await refusal(settings.update({ learnerDemographicsMode: 'Sideways', dailySchedule: '2am', timezone: 'Nowhere/Special', username: 'ok', color: 'red' }));
    expect(error.fields).to.deep.equal({
      learnerDemographicsMode: 'must be one of None, Push, Pull',
      dailySchedule: 'must be a time HH:MM (24-hour)',
      timezone: 'must be an IANA time zone such as Europe/London',
      color: 'is not a setting',
    });
    expect(error.message).to.contain('dailySchedule: must be a time HH:MM');
    expect((await settings.view()).username).to.equal(null);
  });

  it('maps session types to existing review types only, merging with the stored mappings', async () => {
    const settings = new SettingsService(db, box);
    const error = await refusal(settings.update({ reviewTypeMappings: { FormalReview: 'PR', ExitSession: 'EXIT' } }));
    expect(error.fields).to.deep.equal({ 'reviewTypeMappings.ExitSession': 'no review type "EXIT"' });

    await settings.update({ reviewTypeMappings: { FormalReview: 'PR', Induction: 'IND' } });
    const view = await settings.update({ reviewTypeMappings: { Induction: null, Telephone: 'PR' } });
    expect(view.reviewTypeMappings).to.deep.include({ FormalReview: 'PR', Induction: null, Telephone: 'PR', ExitSession: null });
    const [row] = await db.query('SELECT review_type_mappings FROM integration_settings');
    expect(row.review_type_mappings).to.deep.equal({ FormalReview: 'PR', Telephone: 'PR' });
  });

  it("writes inside the caller's transaction when given its manager", async () => {
    const settings = new SettingsService(db, box);
    await db
      .transaction(async (manager) => {
        await manager.query(`INSERT INTO review_type (code, name) VALUES ('EXIT', 'Exit Review')`);
        await settings.update({ username: 'inside', reviewTypeMappings: { ExitSession: 'EXIT' } }, manager);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const view = await settings.view();
    expect(view.username).to.equal(null);
    expect(view.reviewTypeMappings.ExitSession).to.equal(null);
  });
});
