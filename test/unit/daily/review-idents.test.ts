import { expect } from 'chai';
import { reviewIdentFor } from '../../../src/daily/review-idents.js';

describe('daily: the ident of a review made from a session', () => {
  it('is the same every time for the same learner and session, so a retried job makes the same review', () => {
    expect(reviewIdentFor('L000123', 'ses-77')).to.equal('L000123-SA-ses-77');
    expect(reviewIdentFor('L000123', ' ses-77 ')).to.equal(reviewIdentFor('L000123', 'ses-77'));
  });

  it('differs between learners and between sessions', () => {
    const idents = new Set([reviewIdentFor('L1', 'ses-1'), reviewIdentFor('L1', 'ses-2'), reviewIdentFor('L2', 'ses-1')]);
    expect(idents.size).to.equal(3);
  });

  it('fits the 64 characters of the column when the parts are long, still stable and distinct', () => {
    const learner = 'L'.repeat(60);
    const first = reviewIdentFor(learner, 'ses-1');
    expect(first).to.match(/^SA-[0-9a-f]{40}$/);
    expect(reviewIdentFor(learner, 'ses-1')).to.equal(first);
    expect(reviewIdentFor(learner, 'ses-2')).to.not.equal(first);
    expect(reviewIdentFor('L000123', 'x'.repeat(60)).length).to.be.at.most(64);
  });
});
