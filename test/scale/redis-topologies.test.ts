import { expect } from 'chai';
import { connectRedis, producerConnection, queueKeyPrefix } from '../../queues/connection.js';
import { LoginLockedError, LoginThrottle } from '../../src/admin/auth/login-throttle.js';
import { logger } from '../../src/logging/logger.js';
import { expectReferenceEndState, referenceRun, type Reference } from '../faults/support/reference.js';
import { openFaultRig, type FaultRig } from '../faults/support/rig.js';
import { waitFor } from '../faults/support/wait.js';
import { rejectionOf } from '../support/rejection.js';
import { startRedisCluster, startSentinelSet, type LocalRedisCluster, type LocalSentinelSet } from '../support/redis-topologies.js';

/**
 * The daily run on Redis beyond one node, started on this machine: a Cluster of three
 * masters, and a Sentinel set whose master is killed mid-run. The pipeline as deployed
 * (worker processes, the scheduler and its reconciler) is given only the REDIS_URL, and
 * must end exactly as a run on one redis-server does: nothing lost, nothing doubled.
 */

/** Outcomes recorded before the master is killed: the run is under way, its jobs in flight. */
const KILL_AFTER_OUTCOMES = 12;

describe('Redis beyond one node', function () {
  this.timeout(240_000);

  let reference: Reference;
  let rig: FaultRig | undefined;
  let logLevel: string;

  before(async function () {
    logLevel = logger.level;
    logger.level = 'warn';
    reference = await referenceRun();
  });

  after(function () {
    logger.level = logLevel;
  });

  afterEach(async function () {
    await rig?.close();
    rig = undefined;
  });

  describe('a Cluster of three masters', function () {
    let cluster: LocalRedisCluster;

    before(async function () {
      cluster = await startRedisCluster();
    });

    after(async function () {
      await cluster?.close();
    });

    it('runs the daily synchronisation to the same end as on one server', async function () {
      rig = await openFaultRig({ redisUrl: cluster.url });
      expect(rig.producers.queues.otj.opts.prefix, 'the prefix of the queues, a hash tag').to.match(/^\{[^}]+\}$/);
      const runId = await rig.startRun();
      await rig.waitForRun(runId);
      await expectReferenceEndState(reference, rig, runId, `none: REDIS_URL ${cluster.url}`);
    });

    it('keeps the admin log-in throttle, shared by every admin process', async function () {
      const redis = connectRedis(producerConnection(cluster.url));
      try {
        const throttle = new LoginThrottle(redis, { attempts: 2, keyPrefix: `${queueKeyPrefix(cluster.url, 'sai-test')}:admin-login` });
        expect((await throttle.attempt('admin', '10.0.0.1')).lastAllowed).to.equal(false);
        expect((await throttle.attempt('admin', '10.0.0.1')).lastAllowed, 'the second failure uses the last attempt').to.equal(true);
        await rejectionOf(throttle.attempt('admin', '10.0.0.1'), LoginLockedError);
        const elsewhere = await throttle.attempt('admin', '10.0.0.2');
        expect(elsewhere.lastAllowed, 'the same user from another address is not locked').to.equal(false);
        await elsewhere.succeeded();
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('a Sentinel set of a master, a replica and three sentinels', function () {
    let sentinels: LocalSentinelSet;

    before(async function () {
      sentinels = await startSentinelSet();
    });

    after(async function () {
      await sentinels?.close();
    });

    it('completes the run when the master is killed mid-run, with nothing lost or doubled', async function () {
      rig = await openFaultRig({ redisUrl: sentinels.url });
      const current = rig;
      const runId = await current.startRun();
      await waitFor(`run ${runId} to record ${KILL_AFTER_OUTCOMES} outcomes`, async () => (await current.done(runId)) >= KILL_AFTER_OUTCOMES, 60_000);
      const before = await current.done(runId);
      const killed = await sentinels.killMaster();
      const promoted = await sentinels.waitForFailoverFrom(killed, 30_000);
      await current.waitForRun(runId);
      await expectReferenceEndState(
        reference,
        current,
        runId,
        `the master (port ${killed}) SIGKILLed after ${before} outcomes; the sentinels promoted the replica (port ${promoted}); REDIS_URL ${sentinels.url}`,
      );
    });
  });
});
