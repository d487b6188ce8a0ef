import { UnrecoverableError } from 'bullmq';
import { expect } from 'chai';
import { QueryFailedError } from 'typeorm';
import { InvalidDataError, PermanentError } from '../../../src/failure-kinds.js';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';
import { classifyFailure, DEFAULT_RATE_LIMIT_WAIT_MS } from '../../../workers/failure.js';

describe('failure classification', function () {
  it('retries transient Smart Assessor failures and anything unknown', function () {
    expect(classifyFailure(new SmartAssessorError('transient', 'Smart Assessor answered 503'))).to.deep.equal({
      kind: 'retry',
      reason: 'Smart Assessor answered 503',
    });
    expect(classifyFailure(new Error('Connection terminated unexpectedly')).kind).to.equal('retry');
  });

  it('waits out a 429 for Retry-After, a minute when none is given, and never longer than 15 minutes', function () {
    expect(classifyFailure(new SmartAssessorError('rate-limited', '429', { retryAfterMs: 12_000 }))).to.include({ kind: 'rate-limited', waitMs: 12_000 });
    expect(classifyFailure(new SmartAssessorError('rate-limited', '429'))).to.include({ waitMs: DEFAULT_RATE_LIMIT_WAIT_MS });
    expect(classifyFailure(new SmartAssessorError('rate-limited', '429', { retryAfterMs: 86_400_000 }))).to.include({ waitMs: 15 * 60_000 });
  });

  it('fails at once on invalid data, permanent MIS states, and non-retryable Smart Assessor answers', function () {
    const invalid = new InvalidDataError([{ record: 'learner L1', field: 'niNumber', value: 'QQ1', reason: 'is not a National Insurance number' }]);
    expect(classifyFailure(invalid)).to.deep.equal({
      kind: 'fail-now',
      reason: 'learner L1: niNumber is not a National Insurance number',
      adminDetail: 'learner L1: niNumber "QQ1" is not a National Insurance number',
    });
    expect(classifyFailure(new PermanentError('no placement')).kind).to.equal('fail-now');
    expect(classifyFailure(new UnrecoverableError('stop')).kind).to.equal('fail-now');
    for (const kind of ['auth', 'not-found', 'permanent'] as const) {
      expect(classifyFailure(new SmartAssessorError(kind, `${kind} answer`)).kind, kind).to.equal('fail-now');
    }
  });

  it('fails at once on data PostgreSQL refuses, and retries other database errors', function () {
    const refused = new QueryFailedError('UPDATE learner', [], Object.assign(new Error('value too long for type character varying(10)'), { code: '22001' }));
    expect(classifyFailure(refused).kind).to.equal('fail-now');
    const deadlock = new QueryFailedError('UPDATE learner', [], Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    expect(classifyFailure(deadlock).kind).to.equal('retry');
  });

  it('keeps bearer tokens out of the reason', function () {
    const { reason } = classifyFailure(new Error('request failed: Authorization: Bearer abc.def.ghi'));
    expect(reason).to.not.include('abc.def.ghi');
  });
});
