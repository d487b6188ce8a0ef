import { expect } from 'chai';
import { addCalendarMonths, isCalendarDate, latestDate, ukDateOf, ukToday } from '../../../src/sync/index.js';

describe('sync rules: UK dates', () => {
  describe('ukDateOf', () => {
    it('gives the next day for 23:30Z in summer (BST is UTC+1)', () => {
      expect(ukDateOf('2026-06-30T23:30:00Z')).to.equal('2026-07-01');
    });

    it('gives the same day for 23:30Z in winter (GMT is UTC)', () => {
      expect(ukDateOf('2026-12-31T23:30:00Z')).to.equal('2026-12-31');
    });

    it('follows the clocks going forward (29 March 2026, 01:00Z)', () => {
      expect(ukDateOf('2026-03-28T23:59:00Z')).to.equal('2026-03-28');
      expect(ukDateOf('2026-03-29T00:30:00Z')).to.equal('2026-03-29');
    });

    it('follows the clocks going back (25 October 2026, 01:00Z)', () => {
      expect(ukDateOf('2026-10-24T23:30:00Z')).to.equal('2026-10-25');
      expect(ukDateOf('2026-10-25T23:30:00Z')).to.equal('2026-10-25');
    });

    it('reads timestamps with any offset', () => {
      expect(ukDateOf('2026-07-01T00:15:00+02:00')).to.equal('2026-06-30');
    });

    it('takes a Date as well as a string', () => {
      expect(ukDateOf(new Date('2026-06-30T23:30:00Z'))).to.equal('2026-07-01');
    });

    it('refuses something that is not a timestamp, naming it', () => {
      expect(() => ukDateOf('yesterday')).to.throw(RangeError, '"yesterday" is not a timestamp');
    });
  });

  it('ukToday is the UK calendar date of the instant given', () => {
    expect(ukToday(new Date('2026-07-31T23:30:00Z'))).to.equal('2026-08-01');
    expect(ukToday(new Date('2026-01-31T23:30:00Z'))).to.equal('2026-01-31');
  });

  describe('isCalendarDate', () => {
    for (const date of ['2026-01-31', '2024-02-29', '2000-02-29', '2026-12-31']) {
      it(`accepts ${date}`, () => expect(isCalendarDate(date)).to.equal(true));
    }
    for (const date of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-01', '01/02/2026', '2026-01-01T00:00:00Z', '']) {
      it(`refuses ${JSON.stringify(date)}`, () => expect(isCalendarDate(date)).to.equal(false));
    }
    it('refuses a value that is not a string', () => expect(isCalendarDate(20260101)).to.equal(false));
  });

  describe('addCalendarMonths', () => {
    it('moves to the same day of another month', () => {
      expect(addCalendarMonths('2026-03-15', -1)).to.equal('2026-02-15');
      expect(addCalendarMonths('2026-01-15', -1)).to.equal('2025-12-15');
      expect(addCalendarMonths('2026-11-30', 2)).to.equal('2027-01-30');
    });

    it('clamps to the end of a shorter month, leap years included', () => {
      expect(addCalendarMonths('2026-03-31', -1)).to.equal('2026-02-28');
      expect(addCalendarMonths('2024-03-31', -1)).to.equal('2024-02-29');
      expect(addCalendarMonths('2026-05-31', -1)).to.equal('2026-04-30');
    });

    it('refuses a date that is not a calendar date', () => {
      expect(() => addCalendarMonths('2026-02-30', -1)).to.throw(RangeError, '"2026-02-30" is not a calendar date');
    });
  });

  it('latestDate picks the latest, ignoring blanks', () => {
    expect(latestDate(['2026-01-05', null, '2026-03-01', undefined, '2025-12-31'])).to.equal('2026-03-01');
    expect(latestDate([null, undefined])).to.equal(null);
    expect(latestDate([])).to.equal(null);
  });
});
