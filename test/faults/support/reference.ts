import { expect } from 'chai';
import type { Job } from 'bullmq';
import { differences, recordCounts, type EndState } from './end-state.js';
import { openFaultRig, type FaultRig, type RunRow } from './rig.js';
import { NEW_AIM_REF, NEW_OFFICER_REF } from './start-state.js';

/** What a case says it did and found, under its title. */
export const say = (line: string): void => {
  process.stdout.write(`      · ${line}\n`);
};

/** The fault-free run every case is compared with: its end state and its accounting. */
export interface Reference {
  expected: EndState;
  run: RunRow;
}

/** A fault-free run of the suite's provider on a redis-server of its own. */
export async function referenceRun(): Promise<Reference> {
  const started = performance.now();
  const clean = await openFaultRig();
  try {
    const runId = await clean.startRun();
    const run = await clean.waitForRun(runId);
    const expected = await clean.endState();
    expect(await clean.failedJobs(), 'the fault-free run failed jobs').to.deep.equal([]);
    expect(run.jobs_failed).to.equal(0);
    // A run that changed nothing would make every comparison pass.
    expect(run.changes).to.be.greaterThan(20);
    // The start state's enrolment to keep in step was kept in step (so every case checks it happens once).
    const learners = expected.smartAssessor.learners as Record<string, { courses: Record<string, unknown>; assessor: string }>;
    expect(Object.keys(learners.L000020.courses)).to.include(NEW_AIM_REF);
    expect([learners.L000021.assessor, learners.L000022.assessor]).to.deep.equal([NEW_OFFICER_REF, NEW_OFFICER_REF]);
    say(
      `fault-free reference: ${run.learners} learners, ${run.jobs_total} jobs, ${run.changes} changes, ` +
        `${clean.simulator.store.counters.requests} Smart Assessor requests; the run took ${run.seconds?.toFixed(1)} s, the case ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return { expected, run };
  } finally {
    await clean.close();
  }
}

export function reasonOf(job: Job): string {
  return `${job.queueName} ${job.id}: ${job.failedReason}`;
}

/** The end state, the run's accounting and Redis's failed set, against the fault-free run. */
export async function expectReferenceEndState(reference: Reference, current: FaultRig, runId: string, injected: string): Promise<void> {
  const run = await current.run(runId);
  const actual = await current.endState();
  const found = differences(reference.expected, actual);
  const [{ events }] = (await current.db.query(`SELECT count(*)::int AS events FROM sync_event WHERE run_id = $1`, [runId])) as Array<{ events: number }>;
  say(`injected: ${injected}`);
  say(
    `compared: ${recordCounts(actual)}; run ${run.jobs_completed}/${run.jobs_total} jobs completed, ${run.jobs_failed} failed, ${events} sync events, ${run.seconds?.toFixed(1)} s ` +
      `— ${found.length === 0 ? 'identical to the fault-free run' : `${found.length} difference(s)`}`,
  );
  expect(found, 'differences from the fault-free end state').to.deep.equal([]);
  expect((await current.failedJobs()).map(reasonOf), 'jobs left failed').to.deep.equal([]);
  const total = reference.run.jobs_total;
  expect({ state: run.state, total: run.jobs_total, completed: run.jobs_completed, failed: run.jobs_failed, events }).to.deep.equal({
    state: 'completed',
    total,
    completed: total,
    failed: 0,
    events: total,
  });
}
