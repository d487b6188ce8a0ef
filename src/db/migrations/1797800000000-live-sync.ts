import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live sync (SPEC.md §6): the setting, the run trigger `live`, and the capture of MIS
 * changes in the same transaction as the edit, whoever makes it (the import, the admin
 * API, or another program writing the tables), into the outbox `live_change` that the
 * scheduler's relay turns into jobs (src/live/).
 *
 * Each outbox row names one record (learner, officer or organisation) and the jobs a
 * change to it calls for. Only the columns that a push mode or the status rules send are
 * watched; what the synchronisation itself writes is not (actual OTJ hours, the risk
 * band, last synced and last error, elements done and total, the SA learner-course id,
 * Additional IDs and the Smart Assessor ID, reviews, updated_at), and learner, officer and
 * organisation details are watched only while their mode pushes them, so a Pull mode's
 * own writes never come back as live work. Nothing is written while Live Sync is off or
 * the integration is disabled: each trigger reads the one settings row first and stops.
 *
 * UPDATEs are caught by row triggers limited to the watched columns (UPDATE OF, and a
 * WHEN that compares them), INSERTs and DELETEs by statement triggers over transition
 * tables. Measured on 10,000 learner rows (README, Live sync): a statement trigger with
 * transition tables costs about 5 µs per changed row and a row trigger about 15, but a
 * statement trigger also runs for every UPDATE statement of its table whatever it sets
 * (+5 µs with Live Sync off, +18 µs on), and the daily run's every job outcome updates
 * learner rows (lastSyncedAt, OTJ hours, the risk band) and aims (elements done). A row
 * trigger limited to the watched columns is not even looked at for those statements.
 * INSERTs and DELETEs of aims, breaks and roles come only from the import and edits, so
 * there the statement triggers' lower cost per row is all gain.
 */
export class LiveSync1797800000000 implements MigrationInterface {
  name = 'LiveSync1797800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "integration_settings" ADD "live_sync" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP CONSTRAINT "sync_run_trigger_check"`);
    await queryRunner.query(`ALTER TABLE "sync_run" ADD CONSTRAINT "sync_run_trigger_check" CHECK (trigger IN ('schedule', 'manual', 'learner', 'live'))`);
    // The relay looks for the live runs going several times a second: a probe of this index, not a scan of every run ever.
    await queryRunner.query(`CREATE INDEX "sync_run_live_running_idx" ON "sync_run" ("created_at") WHERE trigger = 'live' AND state = 'running'`);

    await queryRunner.query(
      `CREATE TABLE "live_change" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "subject_type" character varying(16) NOT NULL,
        "subject_id" integer NOT NULL,
        "jobs" character varying(32) array NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT "live_change_subject_type_check" CHECK (subject_type IN ('learner', 'officer', 'organisation')),
        CONSTRAINT "live_change_pkey" PRIMARY KEY ("id")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "live_change_subject_idx" ON "live_change" ("subject_type", "subject_id")`);

    // The live jobs queued and not yet done, one row per record and queue (the relay sends a record's
    // next change only once its last is done): the job and its run. Done once the run's sync event for
    // the record carries that job's id; the relay then removes the row.
    await queryRunner.query(
      `CREATE TABLE "live_dispatch" (
        "subject_type" character varying(16) NOT NULL,
        "subject_id" integer NOT NULL,
        "queue" character varying(32) NOT NULL,
        "run_id" uuid NOT NULL,
        "subject_ref" character varying(64) NOT NULL,
        "learner_id" integer,
        "job_id" character varying(200) NOT NULL,
        "dispatched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "live_dispatch_pkey" PRIMARY KEY ("subject_type", "subject_id", "queue"),
        CONSTRAINT "live_dispatch_run_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_run"("id") ON DELETE CASCADE
      )`,
    );
    await queryRunner.query(`CREATE INDEX "live_dispatch_run_idx" ON "live_dispatch" ("run_id")`);

    for (const statement of CAPTURE) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table, name } of TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS "${name}" ON "${table}"`);
    for (const name of FUNCTIONS) await queryRunner.query(`DROP FUNCTION IF EXISTS ${name}()`);
    await queryRunner.query(`DROP TABLE "live_dispatch"`);
    await queryRunner.query(`DROP TABLE "live_change"`);
    await queryRunner.query(`DROP INDEX "sync_run_live_running_idx"`);
    await queryRunner.query(`DELETE FROM "sync_run" WHERE trigger = 'live'`);
    await queryRunner.query(`ALTER TABLE "sync_run" DROP CONSTRAINT "sync_run_trigger_check"`);
    await queryRunner.query(`ALTER TABLE "sync_run" ADD CONSTRAINT "sync_run_trigger_check" CHECK (trigger IN ('schedule', 'manual', 'learner'))`);
    await queryRunner.query(`ALTER TABLE "integration_settings" DROP COLUMN "live_sync"`);
  }
}

/** The settings row while live changes are captured; no row (NOT FOUND) while Live Sync is off or the integration disabled. */
const CAPTURING = `SELECT * INTO s FROM integration_settings WHERE id = 1 AND live_sync AND integration_enabled;
  IF NOT FOUND THEN RETURN NULL; END IF;`;

/** A trigger function: reads the settings (stopping when not capturing), then `body`. */
function captureFunction(name: string, body: string): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s integration_settings%ROWTYPE;
  wanted character varying(32)[];
BEGIN
  ${CAPTURING}
  ${body}
  RETURN NULL;
END $$`;
}

/** `columns` of OLD and NEW differ (the row trigger's WHEN, and the tests inside the functions). */
function differ(columns: readonly string[]): string {
  return `ROW(${columns.map((column) => `OLD.${column}`).join(', ')}) IS DISTINCT FROM ROW(${columns.map((column) => `NEW.${column}`).join(', ')})`;
}

/** The learner's details the demographics job pushes in Push mode (gender only with Update Learner Gender; the ULN apart: pushed in Pull mode too). */
const LEARNER_DETAILS = ['first_name', 'surname', 'date_of_birth', 'email', 'address1', 'address2', 'address3', 'address4', 'postcode', 'ni_number', 'phone', 'mobile'];
const LEARNER_WATCHED = [...LEARNER_DETAILS, 'gender', 'uln', 'system_status', 'placement_organisation_id', 'main_officer_id', 'planned_otj_hours'];
/** What the status job sends of an aim: its dates, status and outcome, its qualification, the aim it restarts. */
const AIM_WATCHED = ['learner_id', 'qualification_id', 'start_date', 'planned_end_date', 'actual_end_date', 'completion_status', 'outcome', 'restart_of_id'];
const BREAK_WATCHED = ['learner_id', 'last_day_in_learning', 'return_date'];
const ROLE_WATCHED = ['learner_id', 'role', 'officer_id'];
const OFFICER_DETAILS = ['first_name', 'surname', 'email', 'phone', 'mobile'];
const ORGANISATION_DETAILS = ['name', 'phone', 'edrs_number', 'address1', 'address2', 'address3', 'address4', 'postcode', 'website', 'employer_size'];

/** Every job a learner's change can call for: a learner row made enrolled, or made Live again, may differ from Smart Assessor anywhere. */
const ALL_LEARNER_JOBS = `ARRAY['learner-demographics', 'learner-status', 'learner-otj', 'learner-employer']::varchar(32)[]`;

/** The enrolled learners of the transition table `rows` (aliased r), with `jobs`, once each. */
function enrolledLearnersOf(rows: string, jobs: string, where = 'true'): string {
  return `INSERT INTO live_change (subject_type, subject_id, jobs)
  SELECT 'learner', l.id, ${jobs} FROM learner l
   WHERE l.smart_assessor_id IS NOT NULL AND l.id IN (SELECT r.learner_id FROM ${rows} r WHERE ${where});`;
}

const STATUS_JOB = `ARRAY['learner-status']::varchar(32)[]`;

/** An aim's, break's or role's row change (row trigger): the status job of its learner, and of the learner it left. */
const LEARNER_ROW_STATUS = `INSERT INTO live_change (subject_type, subject_id, jobs)
  SELECT 'learner', l.id, ${STATUS_JOB} FROM learner l WHERE l.smart_assessor_id IS NOT NULL AND l.id IN (OLD.learner_id, NEW.learner_id);`;

/** Roles matter only for the second-assessor role's holder (the Main Officer is the learner's own column). */
const SECOND_ASSESSOR = `r.role = s.second_assessor_role`;

const CAPTURE_FUNCTIONS: Record<string, string> = {
  live_change_learner_update: `
  IF NEW.smart_assessor_id IS NULL THEN RETURN NULL; END IF;
  IF OLD.system_status IS DISTINCT FROM NEW.system_status THEN
    wanted := ${ALL_LEARNER_JOBS};
  ELSE
    wanted := array_remove(ARRAY[
      CASE WHEN (s.learner_demographics_mode = 'Push' AND (${differ(LEARNER_DETAILS)} OR (s.update_learner_gender AND OLD.gender IS DISTINCT FROM NEW.gender)))
             OR (s.learner_demographics_mode <> 'None' AND OLD.uln IS DISTINCT FROM NEW.uln)
           THEN 'learner-demographics' END,
      CASE WHEN OLD.main_officer_id IS DISTINCT FROM NEW.main_officer_id THEN 'learner-status' END,
      CASE WHEN OLD.planned_otj_hours IS DISTINCT FROM NEW.planned_otj_hours THEN 'learner-otj' END,
      CASE WHEN s.push_changes_to_learner_employer AND OLD.placement_organisation_id IS DISTINCT FROM NEW.placement_organisation_id THEN 'learner-employer' END
    ]::varchar(32)[], NULL);
  END IF;
  IF cardinality(wanted) > 0 THEN
    INSERT INTO live_change (subject_type, subject_id, jobs) VALUES ('learner', NEW.id, wanted);
  END IF;`,
  live_change_learner_insert: `INSERT INTO live_change (subject_type, subject_id, jobs)
  SELECT 'learner', n.id, ${ALL_LEARNER_JOBS} FROM live_new n WHERE n.smart_assessor_id IS NOT NULL;`,
  live_change_status_inserted: enrolledLearnersOf('live_new', STATUS_JOB),
  live_change_status_deleted: enrolledLearnersOf('live_old', STATUS_JOB),
  live_change_status_row: LEARNER_ROW_STATUS,
  live_change_role_inserted: enrolledLearnersOf('live_new', STATUS_JOB, SECOND_ASSESSOR),
  live_change_role_deleted: enrolledLearnersOf('live_old', STATUS_JOB, SECOND_ASSESSOR),
  live_change_role_row: `IF s.second_assessor_role IN (OLD.role, NEW.role) THEN ${LEARNER_ROW_STATUS} END IF;`,
  live_change_officer_update: `IF s.officer_demographics_mode = 'Push' AND NEW.additional_id IS NOT NULL THEN
    INSERT INTO live_change (subject_type, subject_id, jobs) VALUES ('officer', NEW.id, ARRAY['officer-details']::varchar(32)[]);
  END IF;`,
  live_change_organisation_update: `IF s.organisation_demographics_mode = 'Push' AND NEW.additional_id IS NOT NULL THEN
    INSERT INTO live_change (subject_type, subject_id, jobs) VALUES ('organisation', NEW.id, ARRAY['organisation-details']::varchar(32)[]);
  END IF;`,
};

const FUNCTIONS = Object.keys(CAPTURE_FUNCTIONS);

interface TriggerSpec {
  table: string;
  name: string;
  function: string;
  event: 'INSERT' | 'UPDATE' | 'DELETE';
  /** UPDATE: a row trigger on these columns, fired when they differ; INSERT and DELETE: a statement trigger over the transition table. */
  watched?: readonly string[];
}

const TRIGGERS: TriggerSpec[] = [
  { table: 'learner', name: 'live_change_learner_update', function: 'live_change_learner_update', event: 'UPDATE', watched: LEARNER_WATCHED },
  { table: 'learner', name: 'live_change_learner_insert', function: 'live_change_learner_insert', event: 'INSERT' },
  { table: 'learning_aim', name: 'live_change_aim_update', function: 'live_change_status_row', event: 'UPDATE', watched: AIM_WATCHED },
  { table: 'learning_aim', name: 'live_change_aim_insert', function: 'live_change_status_inserted', event: 'INSERT' },
  { table: 'learning_aim', name: 'live_change_aim_delete', function: 'live_change_status_deleted', event: 'DELETE' },
  { table: 'break_in_learning', name: 'live_change_break_update', function: 'live_change_status_row', event: 'UPDATE', watched: BREAK_WATCHED },
  { table: 'break_in_learning', name: 'live_change_break_insert', function: 'live_change_status_inserted', event: 'INSERT' },
  { table: 'break_in_learning', name: 'live_change_break_delete', function: 'live_change_status_deleted', event: 'DELETE' },
  { table: 'learner_officer_role', name: 'live_change_role_update', function: 'live_change_role_row', event: 'UPDATE', watched: ROLE_WATCHED },
  { table: 'learner_officer_role', name: 'live_change_role_insert', function: 'live_change_role_inserted', event: 'INSERT' },
  { table: 'learner_officer_role', name: 'live_change_role_delete', function: 'live_change_role_deleted', event: 'DELETE' },
  { table: 'officer', name: 'live_change_officer_update', function: 'live_change_officer_update', event: 'UPDATE', watched: OFFICER_DETAILS },
  { table: 'organisation', name: 'live_change_organisation_update', function: 'live_change_organisation_update', event: 'UPDATE', watched: ORGANISATION_DETAILS },
];

function createTrigger(trigger: TriggerSpec): string {
  const on = `"${trigger.table}"`;
  if (trigger.watched) {
    return `CREATE TRIGGER "${trigger.name}" AFTER UPDATE OF ${trigger.watched.join(', ')} ON ${on} FOR EACH ROW
      WHEN (${differ(trigger.watched)}) EXECUTE FUNCTION ${trigger.function}()`;
  }
  const transition = trigger.event === 'DELETE' ? 'OLD TABLE AS live_old' : 'NEW TABLE AS live_new';
  return `CREATE TRIGGER "${trigger.name}" AFTER ${trigger.event} ON ${on} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${trigger.function}()`;
}

const CAPTURE = [...Object.entries(CAPTURE_FUNCTIONS).map(([name, body]) => captureFunction(name, body)), ...TRIGGERS.map(createTrigger)];
