import { expect } from 'chai';
import { Histogram, median } from '../../../tools/bench/metrics.js';

describe('bench metrics', () => {
  it('takes the median of the baseline passes, whatever their order', () => {
    expect(median([7_037.7, 2_519.3, 5_611.5])).to.equal(5_611.5);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(median([9])).to.equal(9);
    expect(median([])).to.be.NaN;
  });

  it('places a job-time percentile within the 5% bucket that holds it', () => {
    const times = new Histogram();
    for (let ms = 1; ms <= 100; ms += 1) times.record(ms);
    expect(times.quantile(0.5)).to.be.within(50, 50 * Histogram.GROWTH);
    expect(times.quantile(0.95)).to.be.within(95, 95 * Histogram.GROWTH);
    expect(new Histogram().quantile(0.5)).to.equal(null);
  });
});
