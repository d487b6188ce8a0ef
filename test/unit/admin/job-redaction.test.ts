import { expect } from 'chai';
import { redactJobText, redactJobValue } from '../../../src/admin/dashboard/job-redaction.js';

describe('job redaction for the queue dashboard', () => {
  it('masks quoted values, emails, NI numbers, long numbers and bearer tokens in failure text, keeping the learner ident', () => {
    const text = [
      'learner L000123: uln "9276308686" fails the check digit',
      'email amira.khan@example.org is taken',
      'NI number AB 12 34 56 C and phone 07700 900123',
      'Authorization: Bearer eyJhbGciOi.abc.def',
      'aim L000123-1 of run 6f1c2d3e-0000-4000-8000-123456789012',
    ].join('\n');
    const masked = redactJobText(text);
    for (const secret of ['9276308686', 'amira.khan@example.org', 'AB 12 34 56 C', '07700 900123', 'eyJhbGciOi.abc.def']) {
      expect(masked).not.to.include(secret);
    }
    expect(masked).to.include('learner L000123: uln "[redacted]" fails the check digit');
    expect(masked).to.include('aim L000123-1 of run 6f1c2d3e-0000-4000-8000-123456789012');
  });

  it('masks a quoted value that holds quotes or line breaks of its own, whole', () => {
    for (const value of ['amira"leaked.tail@example.org', 'AB12"34"56C', 'first line\nsecond "line" tail']) {
      const masked = redactJobText(`learner L000123: email "${value}" is not a valid email address`);
      expect(masked).to.equal('learner L000123: email "[redacted]" is not a valid email address');
    }
  });

  it('masks personal and secret fields of job data by key, and the values of changes to personal fields', () => {
    const value = {
      learnerId: 7,
      runId: 'r1',
      email: 'x@example.org',
      password: 'hunter2',
      changes: [
        { record: 'learner L1', field: 'email', from: 'old@example.org', to: 'new@example.org', direction: 'push' },
        { record: 'aim L1-1', field: 'elementsDone', from: 3, to: 4, direction: 'pull' },
      ],
    };
    expect(redactJobValue(value)).to.deep.equal({
      learnerId: 7,
      runId: 'r1',
      email: '[redacted]',
      password: '[redacted]',
      changes: [
        { record: 'learner L1', field: 'email', from: '[redacted]', to: '[redacted]', direction: 'push' },
        { record: 'aim L1-1', field: 'elementsDone', from: 3, to: 4, direction: 'pull' },
      ],
    });
  });

  it('leaves plain values and blanks alone', () => {
    expect(redactJobValue(null)).to.equal(null);
    expect(redactJobValue(5)).to.equal(5);
    expect(redactJobValue({ outcome: 'changed', changes: 2 })).to.deep.equal({ outcome: 'changed', changes: 2 });
    expect(redactJobValue([{ field: 'email', from: null, to: 'a@b.c' }])).to.deep.equal([{ field: 'email', from: null, to: '[redacted]' }]);
  });
});
