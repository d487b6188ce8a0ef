import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { runJobId } from '../../../queues/job-ids.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import type { RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { openTestPipeline, seedLearner, startTestWorkers, unchangedProcessor, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';

const CHILD_WORKER = fileURLToPath(new URL('./fixtures/child-worker.js', import.meta.url));

interface ChildWorker {
  process: ChildProcess;
  messages: Array<Record<string, unknown>>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function startChild(prefix: string, mode: 'hang' | 'release', releaseKey: string): ChildWorker {
  const child = spawn(process.execPath, ['--enable-source-maps', CHILD_WORKER], {
    env: {
      ...process.env,
      CHILD_DATABASE_URL: testDatabaseUrl(),
      CHILD_REDIS_URL: testRedisUrl,
      CHILD_PREFIX: prefix,
      CHILD_MODE: mode,
      CHILD_RELEASE_KEY: releaseKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => messages.push(JSON.parse(line)));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { process: child, messages, exited };
}

describe('worker processes', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;
  let child: ChildWorker | undefined;
  let runId: string;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('processes');
    [{ id: runId }] = await db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, fan_out_complete, jobs_total, started_at) VALUES ('manual', 'running', '2026-03-31', true, 2, now()) RETURNING id`,
    );
  });

  afterEach(async function () {
    if (child && child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    child = undefined;
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  async function addOtjJob(learnerId: number): Promise<string> {
    const jobId = runJobId(runId, 'learner-otj', learnerId);
    await pipeline.producers.queues.otj.add('learner-otj', { runId, learnerId }, { jobId });
    return jobId;
  }

  it('leaves the job of a worker killed mid-job to be finished by another', async function () {
    const learnerId = await seedLearner(db, { ident: 'L-KILLED' });
    child = startChild(pipeline.prefix, 'hang', `${pipeline.prefix}:release`);
    await waitFor('the child worker to be ready', async () => child!.messages.some((message) => message.ready));
    const jobId = await addOtjJob(learnerId);
    await waitFor('the child to start the job', async () => child!.messages.some((message) => message.started === jobId));

    child.process.kill('SIGKILL');
    await child.exited;
    expect(await (await pipeline.producers.queues.otj.getJob(jobId))?.getState()).to.equal('active');

    const finishedHere: string[] = [];
    const unchanged = unchangedProcessor<'otj'>();
    const otj: Processor<'otj'> = async (job, context, deps) => {
      finishedHere.push(context.jobId);
      return unchanged(job, context, deps);
    };
    workers = await startTestWorkers(pipeline, db, { processors: { otj } });
    await waitFor('the stalled job to be finished by the other worker', async () => {
      return (await (await pipeline.producers.queues.otj.getJob(jobId))?.getState()) === 'completed';
    });
    expect(finishedHere).to.deep.equal([jobId]);
    const events = await db.query(`SELECT outcome FROM sync_event WHERE run_id = $1`, [runId]);
    expect(events).to.deep.equal([{ outcome: 'unchanged' }]);
  });

  it('on SIGTERM stops taking jobs, lets the running one finish, then exits', async function () {
    const running = await seedLearner(db, { ident: 'L-RUNNING' });
    const next = await seedLearner(db, { ident: 'L-NEXT' });
    const releaseKey = `${pipeline.prefix}:release`;
    child = startChild(pipeline.prefix, 'release', releaseKey);
    await waitFor('the child worker to be ready', async () => child!.messages.some((message) => message.ready));
    const runningJobId = await addOtjJob(running);
    await waitFor('the child to start the job', async () => child!.messages.some((message) => message.started === runningJobId));
    const nextJobId = await addOtjJob(next);

    child.process.kill('SIGTERM');
    await waitFor('the child to be told to stop', async () => (await (await pipeline.producers.queues.otj.getJob(runningJobId))?.getState()) === 'active');
    await pipeline.redis.set(releaseKey, '1');
    const [code] = await child.exited;

    expect(code).to.equal(0);
    expect(child.messages.filter((message) => 'started' in message).map((message) => message.started)).to.deep.equal([runningJobId]);
    expect(child.messages).to.deep.include({ finished: runningJobId });
    expect(child.messages).to.deep.include({ closed: true, forced: false });
    expect(await (await pipeline.producers.queues.otj.getJob(runningJobId))?.getState()).to.equal('completed');
    expect(await (await pipeline.producers.queues.otj.getJob(nextJobId))?.getState()).to.equal('waiting');
    const events = await db.query(`SELECT learner_id FROM sync_event WHERE run_id = $1`, [runId]);
    expect(events).to.deep.equal([{ learner_id: running }]);
  });
});
