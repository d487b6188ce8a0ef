import { expect } from 'chai';
import { allDelivered, liveDelivery, percentile } from '../../../tools/bench/live-latency.js';

describe('live bench: from an edit to the Smart Assessor write', () => {
  const first = new Map([
    ['A', 'a0@example.org'],
    ['B', 'b0@example.org'],
  ]);

  it("times each edit to the first write at or after its commit of its value or a later one of the learner's", () => {
    const edits = [
      { at: 1_000, saLearnerId: 'A', email: 'a1@example.org' },
      { at: 1_200, saLearnerId: 'A', email: 'a2@example.org' },
      { at: 5_000, saLearnerId: 'B', email: 'b1@example.org' },
    ];
    const writes = [
      { at: 900, saLearnerId: 'A', email: 'a2@example.org' },
      { at: 2_500, saLearnerId: 'A', email: 'a2@example.org' },
      { at: 6_500, saLearnerId: 'B', email: 'b1@example.org' },
      { at: 7_000, saLearnerId: 'C', email: 'c1@example.org' },
    ];
    const delivery = liveDelivery(edits, writes, first);
    expect(delivery).to.deep.include({ edits: 3, delivered: 3, writes: 3, repeated: 1 });
    expect(delivery.latenciesMs).to.deep.equal([1_500, 1_300, 1_500]);
  });

  it('counts an edit no write carried as not delivered, and a write of the value SA held as sent twice', () => {
    const edits = [{ at: 1_000, saLearnerId: 'A', email: 'a1@example.org' }];
    const delivery = liveDelivery(edits, [{ at: 2_000, saLearnerId: 'A', email: 'a0@example.org' }], first);
    expect(delivery).to.deep.include({ delivered: 0, writes: 1, repeated: 1 });
    expect(allDelivered(edits, [])).to.equal(false);
    expect(allDelivered(edits, [{ at: 3_000, saLearnerId: 'A', email: 'a1@example.org' }])).to.equal(true);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).to.equal(3);
    expect(percentile([5, 1, 4, 2, 3], 0.95)).to.equal(5);
    expect(percentile([], 0.5)).to.equal(null);
  });
});
