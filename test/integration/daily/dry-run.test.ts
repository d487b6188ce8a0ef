import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import type { RunningAdminServer } from '../../../src/admin/server.js';
import type { SyncPreview } from '../../../src/jobs/sync-preview.js';
import type { SimulatorStore } from '../../../tools/simulator/store.js';
import { ApiClient, CapturedLog, startAdminForTests, TEST_API_TOKEN } from '../../support/admin.js';
import { openDailyHarness, type DailyHarness, type EventRow } from './harness.js';

/**
 * Dry run (SPEC.md §6), over the simulator with a day of activity: what a dry run and
 * "Preview next sync" say a sync would change is what the real run then changes, field
 * for field, and neither writes anything anywhere.
 */

/** Every table of MIS data, and the settings: what a dry run must leave byte-for-byte as it was. */
const MIS_TABLES = [
  'learner',
  'learning_aim',
  'organisation',
  'officer',
  'learner_officer_role',
  'break_in_learning',
  'review',
  'qualification',
  'review_type',
  'integration_settings',
];

async function misDump(db: DataSource): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const table of MIS_TABLES) {
    dump[table] = ((await db.query(`SELECT t::text AS row FROM ${table} t ORDER BY 1`)) as Array<{ row: string }>).map(({ row }) => row);
  }
  return dump;
}

/** The simulator's records, as text: a create or an update anywhere changes it. */
function storeDump(store: SimulatorStore): string {
  return JSON.stringify([store.courses, store.employers, store.assessors, store.learners].map((records) => [...records.entries()]));
}

type Change = EventRow['changes'][number];

/** A run's events as comparable lines: queue, subject, outcome and its changes, in a fixed order. */
function comparable(events: readonly EventRow[]): string[] {
  return events.map((event) => JSON.stringify([event.queue, event.subjectType, event.subjectRef, event.outcome, event.error, event.changes.map(changeLine).sort()])).sort();
}

function changeLine(change: Change): string {
  return JSON.stringify([change.record, change.field, change.from, change.to, change.direction]);
}

async function eventsOfRun(db: DataSource, runId: string): Promise<EventRow[]> {
  return db.query(`SELECT queue, subject_type AS "subjectType", subject_ref AS "subjectRef", outcome, error, changes FROM sync_event WHERE run_id = $1`, [runId]);
}

describe('dry run: what a sync would change, before it does', function () {
  this.timeout(180_000);
  let harness: DailyHarness;
  let admin: RunningAdminServer;
  let api: ApiClient;
  let misBefore: Record<string, string[]>;
  let storeBefore: string;
  let dryRunId: string;
  let realRunId: string;
  const previews = new Map<string, SyncPreview>();

  before(async () => {
    harness = await openDailyHarness({ learners: 24, seed: 17 });
    const { db, simulator, pipeline, settings } = harness;
    admin = await startAdminForTests({ db, redis: pipeline.redis, settings, producers: pipeline.producers, prefix: pipeline.prefix, log: new CapturedLog() });
    api = new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN });
    await settings.update({
      learnerDemographicsMode: 'Push',
      officerDemographicsMode: 'Pull',
      organisationDemographicsMode: 'Push',
      updateRiskFromSmartCoach: true,
    });
    // A day of activity in Smart Assessor (progress, sessions, OTJ hours, details typed there) and edits in the MIS.
    simulator.store.advanceDay();
    simulator.store.advanceDay();
    await db.query(
      `UPDATE learner SET phone = '01132 496 0' || lpad(id::text, 3, '0') WHERE id IN (SELECT id FROM learner WHERE smart_assessor_id IS NOT NULL ORDER BY id LIMIT 6)`,
    );
    await db.query(
      `UPDATE organisation SET phone = '0113 496 1' || lpad(id::text, 3, '0') WHERE id IN (SELECT id FROM organisation WHERE additional_id IS NOT NULL ORDER BY id LIMIT 2)`,
    );

    misBefore = await misDump(db);
    storeBefore = storeDump(simulator.store);
    simulator.store.recorded.length = 0;

    const enrolled = (await db.query(`SELECT learner_ident FROM learner WHERE smart_assessor_id IS NOT NULL ORDER BY id`)) as Array<{ learner_ident: string }>;
    for (const { learner_ident: ident } of enrolled) {
      const answer = await api.get(`/api/learners/${ident}/sync-preview`);
      expect(answer.status, answer.text).to.equal(200);
      previews.set(ident, answer.body as SyncPreview);
    }
    dryRunId = (await harness.runDaily(undefined, { dryRun: true })).runId;
  });
  after(async () => {
    await admin?.close();
    await harness?.close();
  });

  it('leaves every MIS table and the simulator store byte-for-byte unchanged, having sent Smart Assessor no write', async () => {
    const [run] = (await harness.db.query(`SELECT state, dry_run, jobs_total, jobs_completed + jobs_failed AS done FROM sync_run WHERE id = $1`, [dryRunId])) as Array<{
      state: string;
      dry_run: boolean;
      jobs_total: number;
      done: number;
    }>;
    expect(run).to.include({ state: 'completed', dry_run: true });
    expect(run.done).to.equal(run.jobs_total).and.to.be.greaterThan(0);
    // What it would change was found: the day's activity and the MIS edits are among its events.
    const changes = (await eventsOfRun(harness.db, dryRunId)).flatMap((event) => event.changes);
    expect(changes.filter((change) => change.direction === 'pull').length).to.be.greaterThan(0);
    expect(changes.filter((change) => change.direction === 'push' && change.field === 'phone').length).to.be.at.least(6);

    expect(await misDump(harness.db)).to.deep.equal(misBefore);
    expect(storeDump(harness.simulator.store)).to.equal(storeBefore);
    const writes = harness.simulator.store.recorded.filter((request) => request.method !== 'GET' && !request.path.startsWith('/auth'));
    expect(writes.map((request) => `${request.method} ${request.path}`)).to.deep.equal([]);
  });

  it('is shown as a dry run by the API, its changes browsable and filterable, and kept out of learner history', async () => {
    const view = await api.get(`/api/sync/runs/${dryRunId}`);
    expect(view.body).to.include({ dryRun: true, state: 'completed' });
    const onlyDry = await api.get('/api/sync/runs?dryRun=true');
    expect(onlyDry.body.items.map((item: { runId: string }) => item.runId)).to.deep.equal([dryRunId]);
    expect((await api.get('/api/sync/runs?dryRun=false')).body.items).to.deep.equal([]);

    const pushes = await api.get(`/api/sync/runs/${dryRunId}/changes?direction=push&field=phone&pageSize=500`);
    expect(pushes.status).to.equal(200);
    expect(pushes.body.totalItems).to.be.at.least(6);
    for (const item of pushes.body.items as Array<{ changes: Change[] }>) {
      expect(item.changes.length).to.be.greaterThan(0);
      expect(item.changes.every((change) => change.direction === 'push' && change.field === 'phone')).to.equal(true);
    }
    const reviews = await api.get(`/api/sync/runs/${dryRunId}/changes?queue=reviews&outcome=changed`);
    expect((reviews.body.items as Array<{ queue: string; outcome: string }>).every((item) => item.queue === 'reviews' && item.outcome === 'changed')).to.equal(true);

    const csv = await api.get(`/api/sync/runs/${dryRunId}/changes.csv?direction=push&field=phone`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).to.equal('at,queue,subjectType,subjectRef,outcome,record,field,from,to,direction,error');
    expect(lines.length - 1).to.be.at.least(6);
    expect(lines.slice(1).every((line) => line.includes(',phone,') && line.includes(',push,'))).to.equal(true);

    const bad = await api.get(`/api/sync/runs/${dryRunId}/changes?direction=sideways`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.deep.equal({ direction: 'must be one of push, pull, kept' });

    const someone = [...previews.keys()][0]!;
    const history = await api.get(`/api/learners/${someone}/history?pageSize=200`);
    expect((history.body.items as Array<{ runId: string | null }>).some((item) => item.runId === dryRunId)).to.equal(false);
  });

  describe('then the real run', () => {
    before(async () => {
      realRunId = (await harness.runDaily()).runId;
    });

    it("makes exactly the dry run's changes, field for field, event for event", async () => {
      const dry = await eventsOfRun(harness.db, dryRunId);
      const real = await eventsOfRun(harness.db, realRunId);
      expect(real.some((event) => event.changes.length > 0)).to.equal(true);
      expect(comparable(dry)).to.deep.equal(comparable(real));
    });

    it("makes, for each learner, the changes their preview listed (their jobs, their officers' and placement's)", async () => {
      const real = await eventsOfRun(harness.db, realRunId);
      let compared = 0;
      for (const [ident, preview] of previews) {
        const [learner] = (await harness.db.query(
          `SELECT (SELECT ref FROM organisation WHERE id = l.placement_organisation_id) AS organisation,
                  ARRAY(SELECT ref FROM officer WHERE id = l.main_officer_id) AS officers
             FROM learner l WHERE learner_ident = $1`,
          [ident],
        )) as Array<{ organisation: string | null; officers: string[] }>;
        const mine = real.filter(
          (event) =>
            (event.subjectType === 'learner' && event.subjectRef === ident) ||
            (event.subjectType === 'organisation' && event.subjectRef === learner.organisation) ||
            (event.subjectType === 'officer' && learner.officers.includes(event.subjectRef)),
        );
        // A learner the daily run did not take (not eligible today) has nothing to compare with.
        if (!mine.some((event) => event.subjectType === 'learner')) continue;
        compared += 1;
        const made = mine.flatMap((event) => event.changes.map((change) => JSON.stringify([event.queue, changeLine(change)]))).sort();
        const previewed = preview.changes.map(({ queue, ...change }) => JSON.stringify([queue, changeLine(change)])).sort();
        expect(previewed, `the preview of ${ident}`).to.deep.equal(made);
        expect(preview.smartAssessorCalls, `Smart Assessor calls for ${ident}`).to.be.greaterThan(0);
      }
      expect(compared).to.be.greaterThan(5);
    });
  });

  describe('preview of one learner', () => {
    it('answers 503 smart_assessor_unavailable when Smart Assessor cannot be reached, writing nothing', async () => {
      const ident = [...previews.keys()][0]!;
      const before = await misDump(harness.db);
      harness.simulator.setFaults({ outageUntil: Date.now() + 60_000 });
      try {
        const answer = await api.get(`/api/learners/${ident}/sync-preview`);
        expect(answer.status).to.equal(503);
        expect(answer.body.error.code).to.equal('smart_assessor_unavailable');
      } finally {
        harness.simulator.setFaults({ outageUntil: null });
      }
      expect(await misDump(harness.db)).to.deep.equal(before);
    });

    it('answers 409 for a learner not enrolled, and 404 for one unknown', async () => {
      const ident = [...previews.keys()][1]!;
      await harness.db.query(`UPDATE learner SET smart_assessor_id = NULL WHERE learner_ident = $1`, [ident]);
      const answer = await api.get(`/api/learners/${ident}/sync-preview`);
      expect(answer.status).to.equal(409);
      expect(answer.body.error.message).to.contain('not enrolled');
      expect((await api.get('/api/learners/NO-SUCH-LEARNER/sync-preview')).status).to.equal(404);
    });
  });
});
