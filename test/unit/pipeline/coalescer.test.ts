import { expect } from 'chai';
import { Coalescer } from '../../../src/runs/settle-soon.js';

describe('coalescing requests for the same work', function () {
  it('runs once for the callers that ask while it waits, and again for those who ask while it runs', async function () {
    const started: string[] = [];
    const finishers: Array<() => void> = [];
    const coalescer = new Coalescer<string>(async (key) => {
      started.push(key);
      await new Promise<void>((finish) => finishers.push(finish));
    });
    const first = [coalescer.request('run-1'), coalescer.request('run-1'), coalescer.request('run-1')];
    await new Promise((turn) => setImmediate(turn));
    expect(started, 'one run for three requests').to.deep.equal(['run-1']);
    // Asked while it runs: it may have missed these callers' commits, so one more follows.
    const second = [coalescer.request('run-1'), coalescer.request('run-1')];
    const other = coalescer.request('run-2');
    await new Promise((turn) => setImmediate(turn));
    expect(started).to.deep.equal(['run-1', 'run-2']);
    finishers.splice(0).forEach((finish) => finish());
    await Promise.all([...first, other]);
    await new Promise((turn) => setImmediate(turn));
    expect(started).to.deep.equal(['run-1', 'run-2', 'run-1']);
    finishers.splice(0).forEach((finish) => finish());
    await Promise.all(second);
  });

  it("gives a failed run's callers its error, and still runs for the next", async function () {
    let calls = 0;
    const coalescer = new Coalescer<string>(async () => {
      calls += 1;
      if (calls === 1) throw new Error('deadlock detected');
    });
    const failed = await coalescer.request('run-1').then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failed).to.equal('deadlock detected');
    await coalescer.request('run-1');
    expect(calls).to.equal(2);
  });
});
