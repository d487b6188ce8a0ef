import { expect } from 'chai';
import { dailyCronPattern, isKnownTimeZone } from '../../../src/scheduler/daily-schedule.js';

describe('daily schedule', function () {
  it('turns the settings time into a once-a-day cron pattern', function () {
    expect(dailyCronPattern('02:00')).to.equal('0 2 * * *');
    expect(dailyCronPattern('23:59')).to.equal('59 23 * * *');
    expect(dailyCronPattern('00:05')).to.equal('5 0 * * *');
  });

  it('refuses anything that is not HH:MM', function () {
    for (const bad of ['2:00', '24:00', '12:60', '02:00:00', '']) {
      expect(() => dailyCronPattern(bad), bad).to.throw(RangeError, /HH:MM/);
    }
  });

  it('knows time zone names', function () {
    expect(isKnownTimeZone('Europe/London')).to.equal(true);
    expect(isKnownTimeZone('Europe/Londres')).to.equal(false);
  });
});
