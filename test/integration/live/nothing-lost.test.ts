import { expect } from 'chai';
import { startOwnRedis, type OwnRedisServer } from '../../support/redis-server.js';
import { waitFor } from '../../support/pipeline.js';
import { learnerPicker } from '../daily/harness.js';
import type { MisLearnerRow } from '../daily/mis-state.js';
import { openLiveHarness, type LiveHarness } from './live-harness.js';

/**
 * The outbox is PostgreSQL's: whatever happens to the relay, the workers or Redis, every
 * captured change reaches Smart Assessor once. On a redis-server of the test's own, which
 * it restarts without persistence (every job, lock and deduplication key gone).
 */
describe('live sync loses nothing', function () {
  let redis: OwnRedisServer;
  let harness: LiveHarness;

  before(async function () {
    this.timeout(120_000);
    redis = await startOwnRedis({ persistence: 'none' });
    harness = await openLiveHarness({ learners: 24, seed: 5, redisUrl: redis.url, settings: { learnerDemographicsMode: 'Push' } });
    await harness.startWorkers();
    await harness.runDaily();
    await harness.stopWorkers();
    await harness.settings.update({ liveSync: true });
    harness.simulator.store.resetCounters();
  });

  after(async function () {
    await harness?.close();
    await redis?.close();
  });

  const emailOf = (learner: MisLearnerRow) => `${learner.learnerIdent.toLowerCase()}.kept@example.org`;

  it('sends every change once after the relay is killed and Redis is flushed with changes queued and pending', async function () {
    const pick = learnerPicker(harness.db);
    const queuedBefore: MisLearnerRow[] = [];
    const pendingInOutbox: MisLearnerRow[] = [];
    for (let index = 0; index < 4; index += 1) queuedBefore.push(await pick());
    for (let index = 0; index < 4; index += 1) pendingInOutbox.push(await pick());

    // Queued, with no worker to take them; then the relay goes and more changes come.
    harness.startRelay();
    for (const learner of queuedBefore) await harness.sql(`UPDATE learner SET email = $1 WHERE id = $2`, [emailOf(learner), learner.id]);
    await waitFor('the first changes queued', async () => {
      const [row] = await harness.db.query(`SELECT (SELECT count(*) FROM live_change)::int AS changes, (SELECT count(*) FROM live_dispatch)::int AS queued`);
      return row.changes === 0 && row.queued === queuedBefore.length;
    });
    await harness.stopRelay();
    for (const learner of pendingInOutbox) await harness.sql(`UPDATE learner SET email = $1 WHERE id = $2`, [emailOf(learner), learner.id]);
    const [{ changes }] = await harness.db.query(`SELECT count(*)::int AS changes FROM live_change`);
    expect(changes, 'changes kept in the outbox while the relay is down').to.equal(pendingInOutbox.length);

    await redis.restart('SIGKILL');
    expect(await harness.producers.queues.demographics.getJobCounts('waiting')).to.deep.equal({ waiting: 0 });

    await harness.startWorkers();
    harness.startRelay();
    const sa = harness.simulator.store;
    await waitFor(
      'every change in Smart Assessor',
      async () => [...queuedBefore, ...pendingInOutbox].every((learner) => sa.learners.get(learner.smartAssessorId!)?.email === emailOf(learner)),
      60_000,
    );
    await harness.liveSettled();
    for (const learner of [...queuedBefore, ...pendingInOutbox]) {
      expect(harness.learnerWrites(learner.smartAssessorId!), learner.learnerIdent).to.deep.equal([{ email: emailOf(learner) }]);
    }
  });

  it('queues the same jobs again when a relay dies after queuing a batch and before removing it', async function () {
    await harness.stopRelay();
    const learner = await learnerPicker(harness.db)((row) => row.email !== null && !row.email.endsWith('.kept@example.org'));
    harness.simulator.store.resetCounters();
    await harness.stopWorkers();
    await harness.sql(`UPDATE learner SET email = 'twice@example.org' WHERE id = $1`, [learner.id]);
    const outbox = await harness.db.query(`SELECT id, subject_type, subject_id, jobs, changed_at FROM live_change`);
    await waitFor('the change to be ready', async () => (await harness.relayOnce()).queued === 1);
    const first = await harness.producers.queues.demographics.getJobs(['waiting']);

    // What the pass's rollback would have left: the batch in the outbox, its job not recorded as in flight.
    await harness.db.query(`DELETE FROM live_dispatch`);
    for (const row of outbox) {
      await harness.db.query(`INSERT INTO live_change (id, subject_type, subject_id, jobs, changed_at) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5)`, [
        row.id,
        row.subject_type,
        row.subject_id,
        row.jobs,
        row.changed_at,
      ]);
    }
    expect((await harness.relayOnce()).queued).to.equal(1);
    const again = await harness.producers.queues.demographics.getJobs(['waiting']);
    expect(again.map((job) => job.id)).to.deep.equal(first.map((job) => job.id));

    await harness.startWorkers();
    harness.startRelay();
    await waitFor('the email in Smart Assessor', async () => harness.simulator.store.learners.get(learner.smartAssessorId!)?.email === 'twice@example.org');
    await harness.liveSettled();
    expect(harness.learnerWrites(learner.smartAssessorId!)).to.deep.equal([{ email: 'twice@example.org' }]);
  });
});
