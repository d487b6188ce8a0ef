import { expect } from 'chai';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

describe('admin API: officer and organisation history', () => {
  let admin: TestAdmin;
  let firstRun: string;
  let nextRun: string;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
  });
  beforeEach(async () => {
    await admin.reset();
    expect((await admin.api.post('/api/import', providerDocument())).status).to.equal(200);
    const run = async (asOf: string): Promise<string> =>
      (await admin.db.query(`INSERT INTO sync_run (trigger, state, as_of_date) VALUES ('schedule', 'completed', $1) RETURNING id`, [asOf]))[0].id;
    [firstRun, nextRun] = [await run('2026-11-27'), await run('2026-11-28')];
    const learnerId = (await admin.db.query(`SELECT id FROM learner WHERE learner_ident = 'L000123'`))[0].id;
    const events: Array<[string, string | null, string, string, string, number | null, string, unknown[], string | null]> = [
      ['02:01', firstRun, 'officers', 'officer', 'OFF2', null, 'changed', [{ record: 'officer OFF2', field: 'surname', from: 'Patil', to: 'Patel', direction: 'push' }], null],
      ['02:02', firstRun, 'organisations', 'organisation', 'ORG7', null, 'unchanged', [], null],
      ['02:03', nextRun, 'officers', 'officer', 'OFF2', null, 'failed', [{ record: 'officer OFF2', field: 'phone', from: null, to: '0113 496 0100', direction: 'push' }], 'officer OFF2: email is wrong'],
      // The learner's own event, though it names the officer: it belongs to the learner's history.
      ['02:04', null, 'enrolment', 'learner', 'L000123', learnerId, 'changed', [{ record: 'officer OFF2', field: 'additionalId', from: null, to: '88', direction: 'pull' }], null],
    ];
    for (const [time, runId, queue, type, ref, learner, outcome, changes, error] of events) {
      await admin.db.query(
        `INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [`2026-11-28T${time}:00Z`, runId, queue, type, ref, learner, outcome, JSON.stringify(changes), error],
      );
    }
  });
  after(() => admin?.close());

  it("pages an officer's own sync events newest first, in the SyncEvent shape", async () => {
    const first = await admin.api.get('/api/officers/OFF2/history?pageSize=1');
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({
      items: [
        {
          at: '2026-11-28T02:03:00.000Z',
          runId: nextRun,
          queue: 'officers',
          outcome: 'failed',
          changes: [{ record: 'officer OFF2', field: 'phone', from: null, to: '0113 496 0100', direction: 'push' }],
          error: 'officer OFF2: email is wrong',
        },
      ],
      page: 1,
      pageSize: 1,
      totalItems: 2,
    });
    const second = await admin.api.get('/api/officers/OFF2/history?pageSize=1&page=2');
    expect(second.body.items.map((event: { at: string; outcome: string }) => [event.at, event.outcome])).to.deep.equal([['2026-11-28T02:01:00.000Z', 'changed']]);
  });

  it("pages an organisation's own sync events, and an officer or organisation without any has an empty history", async () => {
    const organisation = await admin.api.get('/api/organisations/ORG7/history');
    expect(organisation.body).to.include({ totalItems: 1 });
    expect(organisation.body.items[0]).to.deep.include({ queue: 'organisations', outcome: 'unchanged', runId: firstRun });
    expect((await admin.api.get('/api/organisations/ORG8/history')).body).to.include({ totalItems: 0 });
    expect((await admin.api.get('/api/officers/OFF9/history')).body).to.include({ totalItems: 0 });
  });

  it('answers 404 for an unknown ref and 400 for a bad page', async () => {
    const unknownOfficer = await admin.api.get('/api/officers/NOPE/history');
    expect([unknownOfficer.status, unknownOfficer.body.error.message]).to.deep.equal([404, 'No officer with ref "NOPE"']);
    expect((await admin.api.get('/api/organisations/NOPE/history')).status).to.equal(404);
    const bad = await admin.api.get('/api/officers/OFF2/history?page=0');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.keys('page');
  });
});
