import { expect } from 'chai';
import { Gatherer } from '../../../src/db/gatherer.js';

interface Item {
  value: number;
  resolve(batchIndex: number): void;
  reject(error: unknown): void;
}

/** A gatherer whose sends are recorded and held open until the test lets them finish. */
function recordingGatherer(options: { maxItems: number; windowMs: number }) {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const sent: Array<() => void> = [];
  const gatherer = new Gatherer<Item>(async (batch) => {
    const index = batches.push(batch.map((item) => item.value)) - 1;
    for (const wake of sent.splice(0)) wake();
    await new Promise<void>((finish) => finishers.push(finish));
    for (const item of batch) item.resolve(index);
  }, options);
  const add = (value: number) => new Promise<number>((resolve, reject) => gatherer.add({ value, resolve, reject }));
  const nextSend = () => new Promise<void>((wake) => sent.push(wake));
  const finishAll = () => {
    for (const finish of finishers.splice(0)) finish();
  };
  return { batches, add, nextSend, finishAll };
}

describe('gathering work into batches', function () {
  it('sends what arrives within the window as one batch', async function () {
    const { batches, add, nextSend, finishAll } = recordingGatherer({ maxItems: 10, windowMs: 5 });
    const sending = nextSend();
    const answers = [add(1), add(2), add(3)];
    await sending;
    finishAll();
    expect(await Promise.all(answers)).to.deep.equal([0, 0, 0]);
    expect(batches).to.deep.equal([[1, 2, 3]]);
  });

  it('sends a full batch at once, and gathers what arrives while one is out into the next', async function () {
    const { batches, add, nextSend, finishAll } = recordingGatherer({ maxItems: 2, windowMs: 60_000 });
    let sending = nextSend();
    const first = [add(1), add(2)];
    await sending;
    const second = [add(3), add(4), add(5)];
    expect(batches, 'one batch out at a time').to.deep.equal([[1, 2]]);
    sending = nextSend();
    finishAll();
    await sending;
    expect(batches).to.deep.equal([
      [1, 2],
      [3, 4],
    ]);
    finishAll();
    expect(await Promise.all([...first, ...second.slice(0, 2)])).to.deep.equal([0, 0, 1, 1]);
    // Once the second batch is done, the fifth waits for its window (a minute here), unsent.
    await new Promise((turn) => setImmediate(turn));
    expect(batches).to.have.length(2);
  });

  it('rejects the items of a batch whose sender fails, and goes on with the next', async function () {
    let calls = 0;
    const gatherer = new Gatherer<Item>(
      async (batch) => {
        calls += 1;
        if (calls === 1) throw new Error('the database went away');
        for (const item of batch) item.resolve(calls);
      },
      { maxItems: 1, windowMs: 1 },
    );
    const add = (value: number) => new Promise<number>((resolve, reject) => gatherer.add({ value, resolve, reject }));
    const [failed, next] = await Promise.allSettled([add(1), add(2)]);
    expect(failed.status).to.equal('rejected');
    expect(((failed as PromiseRejectedResult).reason as Error).message).to.equal('the database went away');
    expect(next).to.deep.equal({ status: 'fulfilled', value: 2 });
  });
});
