import { expect } from 'chai';
import { csvCell } from '../../../src/csv.js';

describe('onboarding: the proposals CSV', () => {
  it('quotes cells with commas, quotes and line breaks', () => {
    expect(csvCell('Acme, Ltd')).to.equal('"Acme, Ltd"');
    expect(csvCell('The "Best" Co')).to.equal('"The ""Best"" Co"');
    expect(csvCell('two\nlines')).to.equal('"two\nlines"');
    expect(csvCell('plain')).to.equal('plain');
    expect(csvCell(true)).to.equal('true');
    expect(csvCell(2)).to.equal('2');
  });

  it('keeps a name that starts like a formula from running as one', () => {
    expect(csvCell('=HYPERLINK("x")')).to.equal('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+44 113')).to.equal("'+44 113");
    expect(csvCell('-minus')).to.equal("'-minus");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
  });
});
