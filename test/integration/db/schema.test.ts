import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { rejectionOf } from '../../support/rejection.js';

/** The constraint that refused the write (or, failing that, the message). */
async function rejects(promise: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(promise);
  return String((error as { constraint?: string }).constraint ?? error.message);
}

describe('database schema', () => {
  let db: DataSource;

  before(async () => {
    db = await testDataSource();
  });
  beforeEach(() => resetDatabase(db));

  it('is built by migrations and matches the entities exactly', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).to.deep.equal([]);
  });

  it('starts with one settings row holding the documented defaults', async () => {
    const rows = await db.query('SELECT daily_schedule, timezone, learner_demographics_mode FROM integration_settings');
    expect(rows).to.deep.equal([{ daily_schedule: '02:00', timezone: 'Europe/London', learner_demographics_mode: 'None' }]);
    expect(await rejects(db.query(`INSERT INTO integration_settings (id) VALUES (2)`))).to.equal('integration_settings_single_row_check');
  });

  describe('constraints', () => {
    beforeEach(async () => {
      await db.query(`INSERT INTO organisation (ref, name) VALUES ('ORG1', 'Acme')`);
      await db.query(`INSERT INTO officer (ref, first_name, surname, email) VALUES ('OFF1', 'Sam', 'Patel', 's@example.org')`);
      await db.query(`INSERT INTO qualification (reference, title) VALUES ('ST0123', 'Engineering')`);
      await db.query(`INSERT INTO review_type (code, name) VALUES ('PR', 'Progress Review')`);
      await db.query(`INSERT INTO learner (learner_ident, first_name, surname, placement_organisation_id, main_officer_id) VALUES ('L1', 'Amira', 'Khan', 1, 1)`);
    });

    it('keeps keys unique', async () => {
      expect(await rejects(db.query(`INSERT INTO learner (learner_ident, first_name, surname) VALUES ('L1', 'A', 'B')`))).to.match(/IDX_/);
      await db.query(`UPDATE learner SET smart_assessor_id = '55' WHERE id = 1`);
      await db.query(`INSERT INTO learner (learner_ident, first_name, surname) VALUES ('L2', 'A', 'B')`);
      expect(await rejects(db.query(`UPDATE learner SET smart_assessor_id = '55' WHERE learner_ident = 'L2'`))).to.equal('learner_smart_assessor_id_key');
      await db.query(`UPDATE organisation SET additional_id = '301' WHERE id = 1`);
      await db.query(`INSERT INTO organisation (ref, name, additional_id) VALUES ('ORG2', 'Other', NULL)`);
      expect(await rejects(db.query(`UPDATE organisation SET additional_id = '301' WHERE ref = 'ORG2'`))).to.equal('organisation_additional_id_key');
    });

    it('refuses ILR codes outside CompStatus 1/2/3/6 and Outcome 1/2/3/8', async () => {
      const aim = (status: number, outcome: number | null) =>
        db.query(
          `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, completion_status, outcome) VALUES ($1, 1, 1, '2026-01-01', '2027-01-01', $2, $3)`,
          [`A${status}-${outcome}`, status, outcome],
        );
      await aim(1, null);
      await aim(6, null);
      await aim(2, 8);
      expect(await rejects(aim(4, null))).to.equal('learning_aim_completion_status_check');
      expect(await rejects(aim(2, 5))).to.equal('learning_aim_outcome_check');
    });

    it('refuses an aim that ends before it starts', async () => {
      const write = db.query(
        `INSERT INTO learning_aim (aim_ref, learner_id, qualification_id, start_date, planned_end_date, actual_end_date, completion_status) VALUES ('A1', 1, 1, '2026-01-01', '2027-01-01', '2025-12-31', 2)`,
      );
      expect(await rejects(write)).to.equal('learning_aim_dates_check');
    });

    it('holds one review per Smart Assessor session per learner', async () => {
      const review = (ident: string) => db.query(`INSERT INTO review (review_ident, learner_id, review_type_id, smart_assessor_system_id) VALUES ($1, 1, 1, '77123')`, [ident]);
      await review('R1');
      expect(await rejects(review('R2'))).to.equal('review_learner_system_id_key');
      expect(await rejects(db.query(`INSERT INTO review (review_ident, learner_id, review_type_id, attended_status) VALUES ('R3', 1, 1, 'Maybe')`))).to.equal(
        'review_attended_status_check',
      );
    });

    it('refuses a learner pointing at an organisation that does not exist', async () => {
      expect(await rejects(db.query(`INSERT INTO learner (learner_ident, first_name, surname, placement_organisation_id) VALUES ('L9', 'A', 'B', 999)`))).to.match(/^FK_/);
    });

    it('refuses a break whose return is not after its last day', async () => {
      expect(await rejects(db.query(`INSERT INTO break_in_learning (learner_id, last_day_in_learning, return_date) VALUES (1, '2026-06-30', '2026-06-30')`))).to.equal(
        'break_in_learning_dates_check',
      );
    });

    it('allows one active whole-provider run at a time (and one dry run beside it), and any number of learner runs', async () => {
      await db.query(`INSERT INTO sync_run (trigger, state, as_of_date) VALUES ('schedule', 'running', '2026-11-28')`);
      await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, learner_id) VALUES ('learner', 'running', '2026-11-28', 1)`);
      await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, learner_id) VALUES ('learner', 'queued', '2026-11-28', 1)`);
      expect(await rejects(db.query(`INSERT INTO sync_run (trigger, state, as_of_date) VALUES ('manual', 'queued', '2026-11-28')`))).to.equal('sync_run_one_active_key');
      await db.query(`UPDATE sync_run SET state = 'completed' WHERE trigger = 'schedule'`);
      await db.query(`INSERT INTO sync_run (trigger, state, as_of_date) VALUES ('manual', 'queued', '2026-11-28')`);
      // Beside it, one dry run, and no second.
      await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, dry_run) VALUES ('manual', 'running', '2026-11-28', true)`);
      expect(await rejects(db.query(`INSERT INTO sync_run (trigger, state, as_of_date, dry_run) VALUES ('manual', 'queued', '2026-11-28', true)`))).to.equal(
        'sync_run_one_active_key',
      );
    });

    it('uses the indexes the daily eligibility query needs', async () => {
      const indexes: Array<{ indexname: string }> = await db.query(`SELECT indexname FROM pg_indexes WHERE indexname IN ('learner_eligible_idx', 'learning_aim_learner_end_idx')`);
      expect(indexes.map((row) => row.indexname).sort()).to.deep.equal(['learner_eligible_idx', 'learning_aim_learner_end_idx']);
    });
  });
});
