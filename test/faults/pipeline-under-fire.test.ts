import { expect } from 'chai';
import { logger } from '../../src/logging/logger.js';
import { requestLearnerSync } from '../../src/runs/index.js';
import { expectReferenceEndState, reasonOf, referenceRun, say, type Reference } from './support/reference.js';
import { openFaultRig, type FaultRig, type FaultRigOptions } from './support/rig.js';
import { NEW_AIM_REF } from './support/start-state.js';
import { waitFor } from './support/wait.js';

/**
 * A full daily run on a generated provider, under each fault the pipeline must survive,
 * ends with every learner's MIS records and Smart Assessor state exactly as a fault-free
 * run leaves them: nothing duplicated, nothing lost. Each case prints what it injected
 * and what it compared.
 */

/** Outcomes recorded before a fault is injected: the run is under way, its jobs in flight. */
const INJECT_AFTER_OUTCOMES = 12;

describe('the pipeline under fire', function () {
  this.timeout(240_000);

  let reference: Reference;
  let rig: FaultRig | undefined;

  async function open(options: FaultRigOptions = {}): Promise<FaultRig> {
    rig = await openFaultRig(options);
    return rig;
  }

  afterEach(async function () {
    await rig?.close();
    rig = undefined;
  });

  let logLevel: string;
  after(function () {
    logger.level = logLevel;
  });

  before(async function () {
    // The import logs its counts at info for every rig; the cases say what matters.
    logLevel = logger.level;
    logger.level = 'warn';
    reference = await referenceRun();
  });

  const expectFaultFreeEndState = (current: FaultRig, runId: string, injected: string) => expectReferenceEndState(reference, current, runId, injected);

  async function runUnderWay(current: FaultRig, runId: string): Promise<void> {
    await waitFor(`run ${runId} to record ${INJECT_AFTER_OUTCOMES} outcomes`, async () => (await current.done(runId)) >= INJECT_AFTER_OUTCOMES, 60_000);
  }

  it('survives worker processes killed (SIGKILL) in the middle of jobs, several times', async function () {
    const current = await open();
    // Slow answers (still well inside the client's timeout) keep jobs in flight until the third kill, however
    // long a loaded machine takes to start each new worker process: the run cannot finish before the kills do.
    current.simulator.setFaults({ latencyMs: 800 });
    const runId = await current.startRun();
    const kills: string[] = [];
    for (let kill = 0; kill < 3; kill += 1) {
      let victim = -1;
      let holding = 0;
      await waitFor(
        'a worker process holding active jobs',
        async () => {
          const active = await activeJobsByPid(current);
          victim = current.workers.findIndex((worker) => (active.get(worker.process.pid!) ?? 0) > 0);
          holding = victim >= 0 ? active.get(current.workers[victim].process.pid!)! : 0;
          return victim >= 0;
        },
        60_000,
        20,
      );
      const pid = current.workers[victim].process.pid;
      await current.killWorker(victim);
      kills.push(`pid ${pid} with ${holding} job(s) active`);
      await current.startWorker();
    }
    current.simulator.setFaults({ latencyMs: 0 });
    await current.waitForRun(runId);
    await expectFaultFreeEndState(current, runId, `SIGKILL of a worker process mid-job, 3 times (${kills.join('; ')}), a new process started after each`);
  });

  it('survives a worker killed (SIGKILL) between Smart Assessor creating a course and the MIS saving its id: one course', async function () {
    const current = await open();
    // Smart Assessor makes the new aim's course and holds its answer, so the job is caught between the two.
    current.simulator.setFaults({ timeoutRate: 1, holdMs: 5_000, operations: ['enrolLearnerOnCourse'] });
    const runId = await current.startRun();
    const store = current.simulator.store;
    await waitFor(`Smart Assessor to create the course of ${NEW_AIM_REF}`, async () => store.has('learnerCourse', 'misReference', NEW_AIM_REF), 60_000, 5);
    const killed = current.workers.map((worker) => worker.process.pid).join(', ');
    while (current.workers.length > 0) await current.killWorker(0);
    const [aim] = (await current.db.query(`SELECT sa_learner_course_id AS id FROM learning_aim WHERE aim_ref = $1`, [NEW_AIM_REF])) as Array<{ id: string | null }>;
    expect(aim.id, 'the workers died before the course id was saved').to.equal(null);
    current.simulator.setFaults({ timeoutRate: 0, operations: null });
    await current.startWorker();
    await current.waitForRun(runId);
    expect(store.counters.byOperation.enrolLearnerOnCourse, 'the retry found the course by misReference instead of creating it again').to.equal(1);
    await expectFaultFreeEndState(
      current,
      runId,
      `SIGKILL of every worker process (pids ${killed}) after Smart Assessor created the course of ${NEW_AIM_REF} and before its id was saved; a new process started`,
    );
  });

  it('survives Redis restarting (a crash, with AOF persistence)', async function () {
    const current = await open({ redisPersistence: 'aof' });
    const runId = await current.startRun();
    await runUnderWay(current, runId);
    const before = await current.done(runId);
    const inRedis = await current.unfinishedJobs();
    await current.redis!.restart('SIGKILL');
    await current.waitForRun(runId);
    await expectFaultFreeEndState(
      current,
      runId,
      `redis-server SIGKILLed and restarted (appendonly, fsync always) after ${before} outcomes, with ${inRedis} jobs unfinished in it`,
    );
  });

  it('survives Redis restarting without persistence (every queue emptied)', async function () {
    const current = await open({ redisPersistence: 'none' });
    const runId = await current.startRun();
    await runUnderWay(current, runId);
    const before = await current.done(runId);
    const inRedis = await current.unfinishedJobs();
    await current.redis!.restart('SIGKILL');
    const afterRestart = await current.unfinishedJobs();
    expect(afterRestart, 'jobs left in Redis after a restart without persistence').to.equal(0);
    await current.waitForRun(runId);
    await expectFaultFreeEndState(
      current,
      runId,
      `redis-server SIGKILLed and restarted with no persistence after ${before} outcomes: ${inRedis} unfinished jobs, their locks and the run's caches lost (the reconciler queued them again)`,
    );
  });

  it('survives PostgreSQL refusing connections for a while', async function () {
    const current = await open();
    const runId = await current.startRun();
    await runUnderWay(current, runId);
    const before = await current.done(runId);
    await current.postgresProxy.refuse();
    let delayed = 0;
    await waitFor(
      'jobs to fail against the refused database and wait for a retry',
      async () => {
        delayed = await delayedJobs(current);
        return delayed >= 3;
      },
      30_000,
    );
    await current.postgresProxy.restore();
    await current.waitForRun(runId);
    await expectFaultFreeEndState(current, runId, `PostgreSQL refused every connection (open ones reset) after ${before} outcomes, until ${delayed} jobs were waiting to retry`);
  });

  /**
   * Smart Assessor misbehaves from the start of the run until it has done so `times`
   * times (or the run is over); it must have bitten at least `atLeast` times.
   */
  async function smartAssessorFault(
    kind: 'errors' | 'timeouts' | 'rateLimited',
    faults: Parameters<FaultRig['simulator']['setFaults']>[0],
    times: number,
    atLeast: number,
  ): Promise<{ current: FaultRig; runId: string; injected: number }> {
    const current = await open();
    current.simulator.setFaults(faults);
    const runId = await current.startRun();
    await waitFor(
      `${times} injected ${kind} or the end of the run`,
      async () => current.simulator.store.counters.injected[kind] >= times || (await runOver(current, runId)),
      90_000,
    );
    current.simulator.setFaults({ errorRate: 0, timeoutRate: 0, rateLimitRate: 0 });
    const injected = current.simulator.store.counters.injected[kind];
    expect(injected, `injected ${kind}`).to.be.at.least(atLeast);
    await current.waitForRun(runId);
    return { current, runId, injected };
  }

  it('survives Smart Assessor answering 500s', async function () {
    const { current, runId, injected } = await smartAssessorFault('errors', { errorRate: 0.25 }, 30, 10);
    await expectFaultFreeEndState(current, runId, `${injected} answers of 500 (a quarter of requests, until 30)`);
  });

  it('survives Smart Assessor timing out (the change made, the answer never heard)', async function () {
    const { current, runId, injected } = await smartAssessorFault('timeouts', { timeoutRate: 0.1, holdMs: 4_000 }, 8, 3);
    await expectFaultFreeEndState(current, runId, `${injected} requests done but answered only after the client gave up (a tenth of requests, until 8)`);
  });

  it('survives bursts of 429s from Smart Assessor', async function () {
    const { current, runId, injected } = await smartAssessorFault('rateLimited', { rateLimitRate: 0.5, retryAfterSeconds: 1 }, 40, 10);
    await expectFaultFreeEndState(current, runId, `${injected} answers of 429 with Retry-After 1 (half of requests, until 40)`);
  });

  it('survives Smart Assessor being down for a window', async function () {
    const current = await open();
    const runId = await current.startRun();
    await runUnderWay(current, runId);
    const before = await current.done(runId);
    current.simulator.setFaults({ outageUntil: Date.now() + 3_000 });
    await current.waitForRun(runId);
    await expectFaultFreeEndState(
      current,
      runId,
      `an outage of 3 s after ${before} outcomes: ${current.simulator.store.counters.injected.outage} requests answered 503 unavailable`,
    );
  });

  it('fails the jobs Smart Assessor answers with malformed bodies, with their reason, and ends right once an admin retries them', async function () {
    const current = await open();
    current.simulator.setFaults({ malformedRate: 0.08 });
    const runId = await current.startRun();
    await waitFor('6 malformed answers or the end of the run', async () => current.simulator.store.counters.injected.malformed >= 6 || (await runOver(current, runId)), 90_000);
    current.simulator.setFaults({ malformedRate: 0 });
    await current.waitForRun(runId);

    const failed = await current.failedJobs();
    const run = await current.run(runId);
    say(`${current.simulator.store.counters.injected.malformed} malformed answers; ${failed.length} job(s) failed at once, ${run.jobs_failed} recorded as failed in the run:`);
    for (const job of failed) say(`  ${reasonOf(job)} (attempts ${job.attemptsMade})`);
    expect(failed.length, 'jobs failed by a contract violation').to.be.greaterThan(0);
    expect(run.jobs_failed).to.equal(failed.length);
    for (const job of failed) {
      expect(job.failedReason).to.match(/Smart Assessor/);
      // A contract violation is not retried: trying again cannot change the answer's shape.
      expect(job.attemptsMade).to.equal(1);
    }
    const events = (await current.db.query(`SELECT error FROM sync_event WHERE run_id = $1 AND outcome = 'failed'`, [runId])) as Array<{ error: string }>;
    expect(events.map((event) => event.error).sort()).to.deep.equal(failed.map((job) => job.failedReason).sort());

    // As an admin would from the queue dashboard, once the fault is gone.
    for (const job of failed) await job.retry();
    await waitFor('the retried jobs to succeed', async () => (await current.run(runId)).jobs_failed === 0 && (await current.failedJobs()).length === 0, 60_000);
    await expectFaultFreeEndState(
      current,
      runId,
      `${current.simulator.store.counters.injected.malformed} answers that break the contract (8% of requests, until 6); the ${failed.length} failed job(s) retried after the fault`,
    );
  });

  it('survives the Smart Assessor token expiring mid-run', async function () {
    const current = await open();
    // Tokens run out every few seconds (the client renews them a little early)...
    current.simulator.store.tokenTtlSeconds = 3;
    const runId = await current.startRun();
    await runUnderWay(current, runId);
    // ...and the site ends every token early once, so calls already on their way meet a 401.
    const revoked = current.simulator.store.expireTokens();
    await current.waitForRun(runId);
    const { tokenRefused, tokensIssued } = current.simulator.store.counters;
    expect(tokenRefused, 'requests refused for an expired token').to.be.greaterThan(0);
    await expectFaultFreeEndState(
      current,
      runId,
      `access tokens living 3 s, and all ${revoked} of them ended early once mid-run: ${tokenRefused} requests answered 401, ${tokensIssued} tokens issued in all`,
    );
  });

  it('runs the same manual sync requested many times at once during the daily run only as often as it must', async function () {
    const current = await open();
    const runId = await current.startRun();
    await runUnderWay(current, runId);
    const idents = current.provider.enrolled.slice(0, 3);
    const requests = idents.flatMap((ident) => Array.from({ length: 10 }, () => requestLearnerSync(current.db, current.producers, ident)));
    const answers = await Promise.all(requests);
    const learnerRuns = [...new Set(answers.map((answer) => answer.runId))];
    await current.waitForRun(runId);
    for (const learnerRun of learnerRuns) await current.waitForRun(learnerRun);
    expect(learnerRuns.length, 'learner runs made by 30 requests for 3 learners').to.be.at.most(idents.length * 2);
    await expectFaultFreeEndState(
      current,
      runId,
      `"Update Learner In Smart Assessor" requested 10 times at once for each of ${idents.join(', ')} while the daily run was going: ${learnerRuns.length} learner run(s)`,
    );
  });
});

/** Active jobs per worker process, by the worker name (`<queue>@<pid>`) BullMQ keeps in the job's "pb" field. */
async function activeJobsByPid(rig: FaultRig): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (const queue of Object.values(rig.producers.queues)) {
    const client = await queue.getBackend().client;
    for (const job of await queue.getActive()) {
      // Job.processedBy is not filled from the hash in this BullMQ version; the field itself is.
      const processedBy = await client.hget(queue.toKey(String(job.id)), 'pb');
      const pid = Number(/@(\d+)$/.exec(processedBy ?? '')?.[1]);
      if (pid) byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
    }
  }
  return byPid;
}

/** A run that has just been started is queued, not yet running: only completed or failed is over. */
async function runOver(rig: FaultRig, runId: string): Promise<boolean> {
  const { state } = await rig.run(runId);
  return state === 'completed' || state === 'failed';
}

async function delayedJobs(rig: FaultRig): Promise<number> {
  let delayed = 0;
  for (const queue of Object.values(rig.producers.queues)) delayed += await queue.getDelayedCount();
  return delayed;
}
