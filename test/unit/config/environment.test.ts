import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/environment.js';
import { trustProxySetting } from '../../../src/config/trust-proxy.js';

/** The ConfigError that loading `env` throws. */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration', () => {
  it('has defaults that reach a local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).to.equal('postgres://postgres@127.0.0.1:5432/smart_assessor');
    expect(config.REDIS_URL).to.equal('redis://127.0.0.1:6379');
    expect(config.PORT).to.equal(3000);
    expect(config.SMART_ASSESSOR_BASE_URL).to.equal(undefined);
  });

  it('reads and converts what is set', () => {
    const config = loadConfig({ PORT: '8080', SMART_ASSESSOR_BASE_URL: 'https://sa.example/api/v1', WORKER_CONCURRENCY: '25' });
    expect(config.PORT).to.equal(8080);
    expect(config.WORKER_CONCURRENCY).to.equal(25);
    expect(config.SMART_ASSESSOR_BASE_URL).to.equal('https://sa.example/api/v1');
  });

  it('names every bad variable and why, without echoing secrets', () => {
    const error = refusal({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ADMIN_API_TOKEN: 'short', SETTINGS_ENCRYPTION_KEY: 'nope' });
    expect(Object.keys(error.problems).sort()).to.deep.equal(['ADMIN_API_TOKEN', 'DATABASE_URL', 'PORT', 'SETTINGS_ENCRYPTION_KEY']);
    expect(error.problems.PORT).to.contain('must be a whole number');
    expect(error.message).to.contain('(got "mysql://x")');
    expect(error.message).not.to.contain('short');
    expect(error.message).not.to.contain('nope');
  });

  it('reads TRUST_PROXY as Express\'s trust proxy: off unless set, hops or proxies, never "true"', () => {
    expect(trustProxySetting(loadConfig({}).TRUST_PROXY)).to.equal(false);
    expect(trustProxySetting(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY)).to.equal(false);
    expect(trustProxySetting(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY)).to.equal(1);
    expect(trustProxySetting(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).TRUST_PROXY)).to.deep.equal(['loopback', '10.0.0.0/8', '::1']);
    for (const value of ['true', 'proxy.example', '10.0.0.0/33', '11']) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).to.throw(ConfigError, /TRUST_PROXY/);
    }
  });

  it('reads the admin session lifetimes', () => {
    expect(loadConfig({})).to.include({ ADMIN_SESSION_MAX_HOURS: 12, ADMIN_SESSION_IDLE_MINUTES: 30 });
    expect(loadConfig({ ADMIN_SESSION_MAX_HOURS: '8', ADMIN_SESSION_IDLE_MINUTES: '15' })).to.include({ ADMIN_SESSION_MAX_HOURS: 8, ADMIN_SESSION_IDLE_MINUTES: 15 });
    expect(() => loadConfig({ ADMIN_SESSION_IDLE_MINUTES: '0' })).to.throw(ConfigError, /ADMIN_SESSION_IDLE_MINUTES/);
  });

  it('keeps changes two years and unchanged outcomes 35 days unless told otherwise, and refuses a shorter life for changes', () => {
    const defaults = loadConfig({});
    expect([defaults.HISTORY_KEEP_CHANGES_DAYS, defaults.HISTORY_KEEP_UNCHANGED_DAYS, defaults.HISTORY_PRUNE_BATCH]).to.deep.equal([730, 35, 2_000]);
    expect(defaults.RUN_OVERDUE_AFTER_MINUTES).to.equal(480);
    const set = loadConfig({ HISTORY_KEEP_CHANGES_DAYS: '400', HISTORY_KEEP_UNCHANGED_DAYS: '7', ADMIN_PUBLIC_URL: 'https://sai.provider.example' });
    expect([set.HISTORY_KEEP_CHANGES_DAYS, set.HISTORY_KEEP_UNCHANGED_DAYS, set.ADMIN_PUBLIC_URL]).to.deep.equal([400, 7, 'https://sai.provider.example']);

    const { problems } = refusal({ HISTORY_KEEP_CHANGES_DAYS: '30', HISTORY_KEEP_UNCHANGED_DAYS: '35', HISTORY_PRUNE_BATCH: '5', RUN_OVERDUE_AFTER_MINUTES: 'soon' });
    expect(Object.keys(problems).sort()).to.deep.equal(['HISTORY_KEEP_UNCHANGED_DAYS', 'HISTORY_PRUNE_BATCH', 'RUN_OVERDUE_AFTER_MINUTES']);
    expect(problems.HISTORY_KEEP_UNCHANGED_DAYS).to.equal('must not be more than HISTORY_KEEP_CHANGES_DAYS (30) (got "35")');
  });
});
