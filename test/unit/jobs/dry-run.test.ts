import { expect } from 'chai';
import type { FieldChange } from '../../../entities/index.js';
import { issuedIdRecorder, RecordedWrites, wouldBeIssuedId } from '../../../src/jobs/dry-run.js';
import { OFFICER_ADDITIONAL_ID } from '../../../src/enrolment/smart-assessor-ids.js';
import { writingThrough } from '../../../src/jobs/job-writes.js';
import { ProcessMetrics } from '../../../src/metrics/process-metrics.js';
import type { SmartAssessorApi } from '../../../src/smart-assessor/types.js';

/** A client whose every call is a mistake: a dry run must not reach it for a write. */
function refusingClient(calls: string[]): SmartAssessorApi {
  return new Proxy({} as SmartAssessorApi, {
    get: (_target, operation: string) => () => {
      calls.push(operation);
      return Promise.reject(new Error(`${operation} was sent`));
    },
  });
}

describe('a dry run’s gate', () => {
  it('keeps every write in order and sends none, answering what the job needs to go on planning', async () => {
    const calls: string[] = [];
    const recorded = new RecordedWrites();
    const client = writingThrough(refusingClient(calls), recorded);
    const created = await client.ensureEmployer({ misReference: 'ORG1', name: 'Acme' } as never);
    const patched = await client.updateLearner('SA-1', { phone: '0113' } as never);
    const course = await client.updateLearnerCourse('SA-1', 'LC-9', { status: 'Completed' } as never);
    const otj = await client.setLearnerPlannedOtj('SA-1', 120);

    expect(calls).to.deep.equal([]);
    expect(created).to.deep.equal({ id: wouldBeIssuedId('ensureEmployer'), created: true });
    expect(patched).to.deep.equal({ id: 'SA-1', phone: '0113' });
    expect(course).to.deep.equal({ id: 'LC-9', status: 'Completed' });
    expect(otj).to.deep.equal({ plannedHours: 120 });
    expect(recorded.writes.map((write) => write.operation)).to.deep.equal(['ensureEmployer', 'updateLearner', 'updateLearnerCourse', 'setLearnerPlannedOtj']);
  });

  it('lets reads through to Smart Assessor', async () => {
    const calls: string[] = [];
    const client = writingThrough(refusingClient(calls), new RecordedWrites());
    await client.getLearner('SA-1').catch(() => undefined);
    expect(calls).to.deep.equal(['getLearner']);
  });

  it('notes an id it would have saved on an MIS record as a change, saving nothing', async () => {
    const changes: FieldChange[] = [];
    const saved = await issuedIdRecorder(changes)(OFFICER_ADDITIONAL_ID, { id: 7, key: 'OFF7' }, 'A-1', { subject: { type: 'learner', ref: 'L1', learnerId: 1 }, jobId: 'j' });
    expect(saved).to.deep.equal({ id: 'A-1', savedNow: false });
    expect(changes).to.deep.equal([{ record: OFFICER_ADDITIONAL_ID.describe('OFF7'), field: 'additionalId', from: null, to: 'A-1', direction: 'push' }]);
  });

  it('counts a dry run’s jobs apart from real ones in the metrics', async () => {
    const metrics = new ProcessMetrics();
    metrics.jobFinished('status', 'changed', 0.1, true);
    metrics.jobFinished('status', 'changed', 0.1);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/^sai_dry_run_jobs_total\{queue="status",outcome="changed"\} 1$/m);
    expect(text).to.match(/^sai_jobs_total\{queue="status",outcome="changed"\} 1$/m);
  });
});
