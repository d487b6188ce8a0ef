import { expect } from 'chai';
import { recordRunEvents } from '../../../src/notifications/run-notifications.js';
import { startTestAdmin, TEST_API_TOKEN, type TestAdmin } from '../../support/admin.js';
import { seedLearner } from '../../support/pipeline.js';

/** Live sync as the admin sees and sets it: the setting, the runs page's activity, metrics and alerts. */
describe('live sync in the admin', function () {
  let admin: TestAdmin;

  before(async function () {
    admin = await startTestAdmin();
  });
  beforeEach(() => admin.reset());
  after(() => admin?.close());

  it('shows Live Sync off by default, switches it like the other settings and refuses what is not true or false', async function () {
    expect((await admin.api.get('/api/settings')).body).to.include({ liveSync: false });
    const refused = await admin.api.put('/api/settings', { liveSync: 'yes', dailySchedule: '03:00' });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.fields).to.deep.equal({ liveSync: 'must be true or false' });
    expect((await admin.api.get('/api/settings')).body).to.include({ liveSync: false, dailySchedule: '02:00' });
    const saved = await admin.api.put('/api/settings', { liveSync: true });
    expect(saved.status).to.equal(200);
    expect(saved.body).to.include({ liveSync: true });
  });

  it('answers live activity: the setting, the changes waiting and the live run', async function () {
    await admin.api.put('/api/settings', { liveSync: true, learnerDemographicsMode: 'Push' });
    const learner = await seedLearner(admin.db, { ident: 'L1' });
    await admin.db.query(`UPDATE learner SET email = 'l1@example.org' WHERE id = $1`, [learner]);
    const [run] = await admin.db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, started_at, learners, jobs_total, jobs_completed) VALUES ('live', 'running', current_date, now(), 3, 4, 3) RETURNING id`,
    );
    const answer = await admin.api.get('/api/sync/live');
    expect(answer.status).to.equal(200);
    // The new enrolled learner, their aim, their email.
    expect(answer.body).to.deep.include({ liveSync: true, integrationEnabled: true, pendingChanges: 3, jobsInFlight: 0 });
    expect(answer.body.oldestPendingAt).to.be.a('string');
    expect(answer.body.latestRun).to.deep.include({ runId: run.id, trigger: 'live', state: 'running', learners: 3 });
    expect(answer.body.latestRun.jobs).to.deep.equal({ total: 4, completed: 3, failed: 0, waiting: 1 });
    expect((await admin.anonymous.get('/api/sync/live')).status).to.equal(401);

    const listed = await admin.api.get('/api/sync/runs');
    expect(listed.body.items.map((item: { trigger: string }) => item.trigger)).to.deep.equal(['live']);
  });

  it('exposes the outbox and live runs in the metrics', async function () {
    await admin.api.put('/api/settings', { liveSync: true, learnerDemographicsMode: 'Push' });
    const learner = await seedLearner(admin.db, { ident: 'L1' });
    await admin.db.query(`UPDATE learner SET email = 'l1@example.org' WHERE id = $1`, [learner]);
    await admin.db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, started_at, finished_at, jobs_total, jobs_completed, fan_out_complete) VALUES ('live', 'completed', current_date, now() - interval '1 hour', now(), 5, 5, true)`,
    );
    const answer = await fetch(`${admin.url}/metrics`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
    const text = await answer.text();
    expect(text).to.match(/^sai_live_sync_pending_changes 3$/m);
    expect(text).to.match(/^sai_live_sync_oldest_pending_seconds \d/m);
    expect(text).to.match(/^sai_live_sync_jobs_in_flight 0$/m);
    expect(text).to.match(/^sai_sync_runs\{state="completed",trigger="live"\} 1$/m);
    expect(text).to.match(/^sai_sync_run_last_jobs\{trigger="live",state="total"\} 5$/m);
  });

  it('alerts a live run that finished with failures, never one that is still taking changes', async function () {
    const [finished] = await admin.db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, started_at, finished_at, jobs_total, jobs_completed, jobs_failed, fan_out_complete)
       VALUES ('live', 'completed', current_date, now() - interval '2 hours', now(), 3, 2, 1, true) RETURNING id`,
    );
    await admin.db.query(`INSERT INTO sync_run (trigger, state, as_of_date, started_at, jobs_total) VALUES ('live', 'running', current_date, now() - interval '10 hours', 7)`);
    expect(await recordRunEvents(admin.db, 60)).to.equal(1);
    expect(await admin.db.query(`SELECT run_id, event FROM run_notification`)).to.deep.equal([{ run_id: finished.id, event: 'finished-with-failures' }]);
  });
});
