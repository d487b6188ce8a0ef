import { expect } from 'chai';
import { isBlank, normalise, sameValue } from '../../../src/sync/index.js';

describe('sync rules: normalising and comparing', () => {
  describe('isBlank', () => {
    for (const blank of [null, undefined, '', '   ', '\t\n']) {
      it(`treats ${JSON.stringify(blank) ?? 'undefined'} as blank`, () => expect(isBlank(blank)).to.equal(true));
    }
    for (const value of ['a', ' a ', 0, false]) {
      it(`treats ${JSON.stringify(value)} as a value`, () => expect(isBlank(value)).to.equal(false));
    }
  });

  it('gives null for any blank, whatever the kind', () => {
    for (const kind of ['text', 'email', 'postcode', 'niNumber', 'phone', 'date'] as const) {
      expect(normalise(kind, '  '), kind).to.equal(null);
      expect(normalise(kind, null), kind).to.equal(null);
    }
  });

  it('trims text and collapses internal whitespace, keeping case', () => {
    expect(normalise('text', '  Van \t der\n Berg  ')).to.equal('Van der Berg');
    expect(sameValue('text', 'Smith', 'smith')).to.equal(false);
  });

  it('lower-cases email', () => {
    expect(normalise('email', ' Amira.Khan@Example.ORG ')).to.equal('amira.khan@example.org');
  });

  it('upper-cases a postcode and writes it as "OUTWARD INWARD"', () => {
    expect(normalise('postcode', 'ls14ap')).to.equal('LS1 4AP');
    expect(normalise('postcode', ' ls1   4ap ')).to.equal('LS1 4AP');
    expect(normalise('postcode', 'ec1a1bb')).to.equal('EC1A 1BB');
    expect(normalise('postcode', 'gir0aa')).to.equal('GIR 0AA');
  });

  it('upper-cases an NI number and drops its spaces', () => {
    expect(normalise('niNumber', 'ab 12 34 56 c')).to.equal('AB123456C');
  });

  it('compares phone numbers by their digits and a leading +', () => {
    expect(normalise('phone', '0113 496-0000')).to.equal('01134960000');
    expect(normalise('phone', '+44 (0)113 496 0000')).to.equal('+4401134960000');
    expect(sameValue('phone', '+44 113 496 0000', '44 113 496 0000')).to.equal(false);
  });

  it('keeps a phone value with no digits as text, so two different words still differ', () => {
    expect(sameValue('phone', 'n/a', 'tbc')).to.equal(false);
  });

  it('writes dates as YYYY-MM-DD, dropping any time part', () => {
    expect(normalise('date', ' 2004-03-09 ')).to.equal('2004-03-09');
    expect(normalise('date', '2004-03-09T00:00:00.000Z')).to.equal('2004-03-09');
    expect(normalise('date', new Date('2004-03-09T00:00:00Z'))).to.equal('2004-03-09');
  });

  it('finds values equal after normalising the same, and different ones different', () => {
    expect(sameValue('email', 'A@B.com', 'a@b.com')).to.equal(true);
    expect(sameValue('postcode', 'ls14ap', 'LS1 4AP')).to.equal(true);
    expect(sameValue('niNumber', 'ab123456c', 'AB 12 34 56 C')).to.equal(true);
    expect(sameValue('phone', '07700 900123', '07700900123')).to.equal(true);
    expect(sameValue('date', '2004-03-09', '2004-03-10')).to.equal(false);
    expect(sameValue('postcode', 'LS1 4AP', 'LS1 4AQ')).to.equal(false);
  });

  it('finds two blanks equal and a blank different from a value', () => {
    expect(sameValue('text', null, '  ')).to.equal(true);
    expect(sameValue('text', undefined, '')).to.equal(true);
    expect(sameValue('text', null, 'x')).to.equal(false);
  });
});
