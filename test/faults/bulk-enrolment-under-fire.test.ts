import { expect } from 'chai';
import { workerConnection } from '../../queues/connection.js';
import { createOnboardingQueue } from '../../queues/onboarding.js';
import { refreshQualificationLinks } from '../../src/enrolment/index.js';
import { importDocument } from '../../src/import/import-document.js';
import { batchView, requestBulkEnrolment } from '../../src/onboarding/enrolment-batches.js';
import { createSmartAssessorClient } from '../../src/smart-assessor/client.js';
import { bulkOfficerRef, bulkOrganisationRef, bulkProvider } from '../integration/onboarding/bulk-provider.js';
import { quietImportLog } from '../integration/onboarding/onboarding-bed.js';
import { reasonOf, say } from './support/reference.js';
import { openFaultRig, type FaultRig } from './support/rig.js';
import { waitFor } from './support/wait.js';

const LEARNERS = 1_000;
const EMPLOYERS = 40;
const OFFICERS = 5;
/** Learner Idents L900001…, clear of the suite's provider. */
const FIRST_NUMBER = 900_000;

/**
 * Bulk enrolment (SPEC.md §6) under the fault that matters to it: every worker process
 * SIGKILLed halfway through a batch of 1,000 learners sharing 40 new employers, new ones
 * started. The enrolment jobs caught mid-way and the batch's feeder come back from their
 * lapsed locks, and Smart Assessor ends with each employer, assessor, learner and course
 * exactly once, every MIS record holding its id.
 */
describe('bulk enrolment under fire', function () {
  this.timeout(300_000);
  let rig: FaultRig | undefined;
  quietImportLog();
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('enrols 1,000 learners sharing 40 new employers exactly once, every worker process killed (SIGKILL) halfway and restarted', async function () {
    // A short step and a window as wide as the two processes' enrolment jobs at once: the feeder is never what the batch waits for.
    const current = (rig = await openFaultRig({ onboarding: { pace: { window: 12, windowDuringRun: 2 }, stepMs: 100 } }));
    const document = bulkProvider({ learners: LEARNERS, organisations: EMPLOYERS, officers: OFFICERS, firstNumber: FIRST_NUMBER });
    await importDocument(current.db, document);
    const client = createSmartAssessorClient({ baseUrl: current.simulator.baseUrl, ...current.simulator.credentials });
    await refreshQualificationLinks(current.db, client).finally(() => client.close());
    const store = current.simulator.store;
    const before = store.stats();

    const queue = createOnboardingQueue({ connection: workerConnection(current.redisUrl), prefix: current.prefix });
    queue.on('error', () => undefined);
    try {
      const idents = document.learners!.map((learner) => learner.learnerIdent);
      const { batchId, learners } = await requestBulkEnrolment(current.db, queue, { learnerIdents: idents });
      expect(learners).to.equal(LEARNERS);

      await waitFor('half the batch enrolled', async () => (await batchView(current.db, batchId)).enrolled >= LEARNERS / 2, 180_000, 20);
      const atKill = await batchView(current.db, batchId);
      const active = await current.producers.queues.enrolment.getActiveCount();
      const killed = current.workers.map((worker) => worker.process.pid).join(', ');
      while (current.workers.length > 0) await current.killWorker(0);
      await current.startWorker();
      await current.startWorker();

      await waitFor('the batch to finish', async () => (await batchView(current.db, batchId)).state === 'finished', 240_000, 100);
      const finished = await batchView(current.db, batchId);
      say(
        `injected: SIGKILL of every worker process (pids ${killed}) with ${atKill.enrolled} of ${LEARNERS} enrolled, ${atKill.inQueue} in the enrolment queue and ${active} enrolment jobs active; two new processes started`,
      );
      say(`compared: the batch's counts, Smart Assessor's employers, assessors, learners and courses by misReference, and every MIS record's id`);
      expect(finished).to.deep.include({ total: LEARNERS, enrolled: LEARNERS, failed: 0, waiting: 0 });
      expect((await current.failedJobs()).map(reasonOf)).to.deep.equal([]);
    } finally {
      await queue.close();
    }

    const after = store.stats();
    expect(after.employers - before.employers, 'new employers in Smart Assessor').to.equal(EMPLOYERS);
    expect(after.assessors - before.assessors, 'new assessors in Smart Assessor').to.equal(OFFICERS);
    expect(after.learners - before.learners, 'new learners in Smart Assessor').to.equal(LEARNERS);
    expect(after.learnerCourses - before.learnerCourses, 'one Engineering course each').to.equal(LEARNERS);

    const organisations = (await current.db.query(`SELECT ref, additional_id FROM organisation WHERE ref LIKE 'BORG%'`)) as Array<{ ref: string; additional_id: string }>;
    expect(organisations.map((row) => row.additional_id === store.employerIdByRef(row.ref))).to.deep.equal(Array(EMPLOYERS).fill(true));
    expect(organisations.map((row) => row.ref).sort()).to.deep.equal(Array.from({ length: EMPLOYERS }, (_, i) => bulkOrganisationRef(i + 1)));
    const officers = (await current.db.query(`SELECT ref, additional_id FROM officer WHERE ref LIKE 'BOFF%' ORDER BY ref`)) as Array<{ ref: string; additional_id: string }>;
    expect(officers.map((row) => [row.ref, row.additional_id === store.assessorIdByRef(row.ref)])).to.deep.equal(
      Array.from({ length: OFFICERS }, (_, i) => [bulkOfficerRef(i + 1), true]),
    );
    const saLearners = new Map([...store.learners.values()].filter((learner) => learner.misReference?.startsWith('L9')).map((learner) => [learner.misReference!, learner]));
    expect(saLearners.size).to.equal(LEARNERS);
    const learnerRows = (await current.db.query(`SELECT learner_ident, smart_assessor_id FROM learner WHERE learner_ident LIKE 'L9%'`)) as Array<{
      learner_ident: string;
      smart_assessor_id: string;
    }>;
    const wrong = learnerRows.filter((row) => row.smart_assessor_id !== saLearners.get(row.learner_ident)?.id || saLearners.get(row.learner_ident)!.courses.length !== 1);
    expect(wrong, 'learners whose id is not their Smart Assessor learner, or with other than one course').to.deep.equal([]);
  });
});
