import { expect } from 'chai';
import { failureFromAnswer } from '../../../src/smart-assessor/failures.js';

const errorBody = (code: string, message: string, details?: object) => JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } });

describe('Smart Assessor failures by kind', () => {
  it("5xx is transient, with the server's words", () => {
    for (const status of [500, 502, 503, 504]) {
      const error = failureFromAnswer('getLearner', 'GET /learners/l1', status, errorBody('internal', 'database restarting'));
      expect(error.kind, String(status)).to.equal('transient');
      expect(error.retryable).to.equal(true);
      expect(error.message).to.contain('getLearner').and.to.contain('database restarting');
    }
  });

  it('a 5xx that is not JSON (a proxy page) is still transient', () => {
    const error = failureFromAnswer('getSite', 'GET /site', 502, '<html>Bad gateway</html>');
    expect(error.kind).to.equal('transient');
    expect(error.details.status).to.equal(502);
  });

  it('429 is rate-limited with the Retry-After as milliseconds', () => {
    const error = failureFromAnswer('listCourses', 'GET /courses', 429, errorBody('rate_limited', 'slow down'), '12');
    expect(error.kind).to.equal('rate-limited');
    expect(error.details.retryAfterMs).to.equal(12_000);
    expect(error.retryable).to.equal(true);
  });

  it('404 is not-found and not retried, naming what was asked for', () => {
    const error = failureFromAnswer('getEmployer', 'GET /employers/E9', 404, errorBody('not_found', 'No employer has id E9'));
    expect(error.kind).to.equal('not-found');
    expect(error.retryable).to.equal(false);
    expect(error.message).to.contain('getEmployer').and.to.contain('/employers/E9');
  });

  it('400 is permanent and lists each field the server refused', () => {
    const error = failureFromAnswer(
      'createLearner',
      'POST /learners',
      400,
      errorBody('validation_failed', 'invalid', { fields: { email: 'must match format "email"', uln: 'must match pattern' } }),
    );
    expect(error.kind).to.equal('permanent');
    expect(error.details.fields).to.deep.equal({ email: 'must match format "email"', uln: 'must match pattern' });
    expect(error.message).to.contain('email must match format "email"').and.to.contain('uln must match pattern');
  });

  it('409 is permanent and carries the existing id', () => {
    const error = failureFromAnswer('createEmployer', 'POST /employers', 409, errorBody('duplicate', 'exists', { existingId: 'emp-7' }));
    expect(error.kind).to.equal('permanent');
    expect(error.details.existingId).to.equal('emp-7');
    expect(error.message).to.contain('emp-7');
  });

  it('401 is auth; other 4xx are permanent', () => {
    expect(failureFromAnswer('getSite', 'GET /site', 401, errorBody('unauthorized', 'no')).kind).to.equal('auth');
    expect(failureFromAnswer('getSite', 'GET /site', 403, '').kind).to.equal('permanent');
    expect(failureFromAnswer('getSite', 'GET /site', 405, '').kind).to.equal('permanent');
  });
});
