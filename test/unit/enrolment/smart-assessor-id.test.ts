import { expect } from 'chai';
import { smartAssessorIdProblem } from '../../../src/enrolment/index.js';

describe('a Smart Assessor id typed by an admin', () => {
  it('is a non-empty string of at most 64 characters, or null to clear it', () => {
    expect(smartAssessorIdProblem(null)).to.equal(null);
    expect(smartAssessorIdProblem('emp-301')).to.equal(null);
    expect(smartAssessorIdProblem(` ${'x'.repeat(64)} `), 'surrounding spaces do not count').to.equal(null);
    expect(smartAssessorIdProblem('é'.repeat(64)), 'characters, not bytes').to.equal(null);
  });

  it('refuses a blank, an over-long value and anything but text, saying why', () => {
    expect(smartAssessorIdProblem('')).to.equal('must not be blank; send null to clear it');
    expect(smartAssessorIdProblem(' \t ')).to.equal('must not be blank; send null to clear it');
    expect(smartAssessorIdProblem('x'.repeat(65))).to.equal('must be at most 64 characters');
    expect(smartAssessorIdProblem(301)).to.equal('must be a string or null');
    expect(smartAssessorIdProblem(undefined)).to.equal('must be a string or null');
  });
});
