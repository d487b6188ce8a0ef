import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The MIS records of SPEC.md §1, the sync audit trail and the admin users.
 * Generated from the entities, then given the guards that entities cannot express.
 */
export class InitialSchema1764320000000 implements MigrationInterface {
  name = 'InitialSchema1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "admin_user" ("id" SERIAL NOT NULL, "username" character varying(100) NOT NULL, "password_hash" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a28028ba709cd7e5053a86857b4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4d0392574f49340bb75a102b04" ON "admin_user" ("username") `);
    await queryRunner.query(
      `CREATE TABLE "admin_session" ("token_hash" character varying(64) NOT NULL, "user_id" integer NOT NULL, "csrf_token" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_3779826166c68e21087087f20b8" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_200e25258e42cde266a3bd2668" ON "admin_session" ("expires_at") `);
    await queryRunner.query(
      `CREATE TABLE "officer" ("id" SERIAL NOT NULL, "ref" character varying(64) NOT NULL, "first_name" character varying(100) NOT NULL, "surname" character varying(100) NOT NULL, "email" character varying(200) NOT NULL, "phone" character varying(50), "mobile" character varying(50), "additional_id" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b9bab694da36794c5065085936c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_593adc928df700f74803622f73" ON "officer" ("ref") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "officer_additional_id_key" ON "officer" ("additional_id") WHERE additional_id IS NOT NULL`);
    await queryRunner.query(
      `CREATE TABLE "organisation" ("id" SERIAL NOT NULL, "ref" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "phone" character varying(50), "edrs_number" character varying(20), "address1" character varying(100), "address2" character varying(100), "address3" character varying(100), "address4" character varying(100), "postcode" character varying(10), "website" character varying(200), "employer_size" character varying(50), "additional_id" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c725ae234ef1b74cce43d2d00c1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_ea50bb05683d1d162404756f1e" ON "organisation" ("ref") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "organisation_additional_id_key" ON "organisation" ("additional_id") WHERE additional_id IS NOT NULL`);
    await queryRunner.query(
      `CREATE TABLE "learner" ("id" SERIAL NOT NULL, "learner_ident" character varying(64) NOT NULL, "lrn" character varying(20), "first_name" character varying(100) NOT NULL, "surname" character varying(100) NOT NULL, "date_of_birth" date, "gender" character varying(16), "uln" character varying(10), "email" character varying(200), "address1" character varying(100), "address2" character varying(100), "address3" character varying(100), "address4" character varying(100), "postcode" character varying(10), "ni_number" character varying(9), "phone" character varying(50), "mobile" character varying(50), "system_status" character varying(16) NOT NULL DEFAULT 'Live', "placement_organisation_id" integer, "main_officer_id" integer, "planned_otj_hours" integer, "actual_otj_hours" numeric(8,2), "risk_band" character varying(8), "smart_assessor_id" character varying(64), "last_synced_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "learner_otj_check" CHECK ((planned_otj_hours IS NULL OR planned_otj_hours >= 0) AND (actual_otj_hours IS NULL OR actual_otj_hours >= 0)), CONSTRAINT "learner_gender_check" CHECK (gender IS NULL OR gender IN ('Male', 'Female', 'Other', 'NotKnown')), CONSTRAINT "learner_risk_band_check" CHECK (risk_band IS NULL OR risk_band IN ('Green', 'Yellow', 'Red')), CONSTRAINT "learner_system_status_check" CHECK (system_status IN ('Live', 'Archived')), CONSTRAINT "PK_c6521028f8bb5e7ab25067f8f4d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_cc842c357c217b3c929a214aa2" ON "learner" ("learner_ident") `);
    await queryRunner.query(`CREATE INDEX "IDX_486980204201a588958b853d30" ON "learner" ("placement_organisation_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_068d74259a977ec1bfa3f2f311" ON "learner" ("main_officer_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "learner_smart_assessor_id_key" ON "learner" ("smart_assessor_id") WHERE smart_assessor_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "learner_eligible_idx" ON "learner" ("id") WHERE system_status = 'Live' AND smart_assessor_id IS NOT NULL`);
    await queryRunner.query(
      `CREATE TABLE "break_in_learning" ("id" SERIAL NOT NULL, "learner_id" integer NOT NULL, "last_day_in_learning" date NOT NULL, "return_date" date, CONSTRAINT "break_in_learning_learner_day_key" UNIQUE ("learner_id", "last_day_in_learning"), CONSTRAINT "break_in_learning_dates_check" CHECK (return_date IS NULL OR return_date > last_day_in_learning), CONSTRAINT "PK_08e83ac4773cc3547547c2310f8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "integration_settings" ("id" integer NOT NULL DEFAULT '1', "integration_enabled" boolean NOT NULL DEFAULT true, "base_url" character varying(500), "username" character varying(256), "password_encrypted" text, "client_key_encrypted" text, "send_learner_welcome_email" boolean NOT NULL DEFAULT false, "set_student_id_to_lrn" boolean NOT NULL DEFAULT false, "update_risk_from_smart_coach" boolean NOT NULL DEFAULT false, "learner_demographics_mode" character varying(8) NOT NULL DEFAULT 'None', "officer_demographics_mode" character varying(8) NOT NULL DEFAULT 'None', "organisation_demographics_mode" character varying(8) NOT NULL DEFAULT 'None', "update_learner_gender" boolean NOT NULL DEFAULT false, "second_assessor_role" character varying(64), "push_changes_to_learner_employer" boolean NOT NULL DEFAULT false, "review_type_mappings" jsonb NOT NULL DEFAULT '{}', "daily_schedule" character varying(5) NOT NULL DEFAULT '02:00', "timezone" character varying(64) NOT NULL DEFAULT 'Europe/London', "last_synchronised_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "integration_settings_schedule_check" CHECK (daily_schedule ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'), CONSTRAINT "integration_settings_modes_check" CHECK (learner_demographics_mode IN ('None', 'Push', 'Pull') AND officer_demographics_mode IN ('None', 'Push', 'Pull') AND organisation_demographics_mode IN ('None', 'Push', 'Pull')), CONSTRAINT "integration_settings_single_row_check" CHECK (id = 1), CONSTRAINT "PK_7fe33709ca8fb0f00136a1ff460" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "learner_officer_role" ("id" SERIAL NOT NULL, "learner_id" integer NOT NULL, "role" character varying(64) NOT NULL, "officer_id" integer NOT NULL, CONSTRAINT "learner_officer_role_learner_role_key" UNIQUE ("learner_id", "role"), CONSTRAINT "PK_f8d9b7a6a4b4438863aa654d4b7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_68f19e61b8ee355280e9e42d0a" ON "learner_officer_role" ("officer_id") `);
    await queryRunner.query(
      `CREATE TABLE "qualification" ("id" SERIAL NOT NULL, "reference" character varying(64) NOT NULL, "title" character varying(300) NOT NULL, "sa_course_id" character varying(64), CONSTRAINT "PK_c8244868552c4364a5264440a66" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_6ee6a703fbddf036c5b2be1478" ON "qualification" ("reference") `);
    await queryRunner.query(
      `CREATE TABLE "learning_aim" ("id" SERIAL NOT NULL, "aim_ref" character varying(64) NOT NULL, "learner_id" integer NOT NULL, "qualification_id" integer NOT NULL, "start_date" date NOT NULL, "planned_end_date" date NOT NULL, "actual_end_date" date, "completion_status" smallint NOT NULL, "outcome" smallint, "elements_total" integer, "elements_done" integer, "sa_learner_course_id" character varying(64), "restart_of_id" integer, CONSTRAINT "learning_aim_not_own_restart_check" CHECK (restart_of_id IS NULL OR restart_of_id <> id), CONSTRAINT "learning_aim_elements_check" CHECK (elements_done IS NULL OR elements_done >= 0), CONSTRAINT "learning_aim_dates_check" CHECK (planned_end_date >= start_date AND (actual_end_date IS NULL OR actual_end_date >= start_date)), CONSTRAINT "learning_aim_outcome_check" CHECK (outcome IS NULL OR outcome IN (1, 2, 3, 8)), CONSTRAINT "learning_aim_completion_status_check" CHECK (completion_status IN (1, 2, 3, 6)), CONSTRAINT "PK_8acec2fc6a264191f945f3c6f16" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_984bf320eee78fbd8f97acd5b0" ON "learning_aim" ("aim_ref") `);
    await queryRunner.query(`CREATE INDEX "IDX_7fd7f5ce07785368df7fa78eba" ON "learning_aim" ("qualification_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "learning_aim_sa_learner_course_id_key" ON "learning_aim" ("sa_learner_course_id") WHERE sa_learner_course_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_5637108928d46d191ed3fa8483" ON "learning_aim" ("restart_of_id") `);
    await queryRunner.query(`CREATE INDEX "learning_aim_learner_end_idx" ON "learning_aim" ("learner_id", "actual_end_date") `);
    await queryRunner.query(
      `CREATE TABLE "review_type" ("id" SERIAL NOT NULL, "code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, CONSTRAINT "PK_8761ec6ac862f579983b513cc5f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_0018078da820ddb9045a1da412" ON "review_type" ("code") `);
    await queryRunner.query(
      `CREATE TABLE "review" ("id" SERIAL NOT NULL, "review_ident" character varying(64) NOT NULL, "learner_id" integer NOT NULL, "review_type_id" integer NOT NULL, "planned_date" date, "actual_date" date, "officer_id" integer, "attended_status" character varying(16) NOT NULL DEFAULT 'Unknown', "notes" text, "smart_assessor_system_id" character varying(64), CONSTRAINT "review_learner_system_id_key" UNIQUE ("learner_id", "smart_assessor_system_id"), CONSTRAINT "review_attended_status_check" CHECK (attended_status IN ('Unknown', 'Attended', 'NotAttended', 'Cancelled')), CONSTRAINT "PK_2e4299a343a81574217255c00ca" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_b617e112dfc849d22872b2952f" ON "review" ("review_ident") `);
    await queryRunner.query(`CREATE INDEX "IDX_89212d104a61a232f39f6204f2" ON "review" ("review_type_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_65831269fb542e6f472c8baa90" ON "review" ("officer_id") `);
    await queryRunner.query(
      `CREATE TABLE "sync_run" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "trigger" character varying(16) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'queued', "as_of_date" date NOT NULL, "learner_id" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "fan_out_complete" boolean NOT NULL DEFAULT false, "learners" integer NOT NULL DEFAULT '0', "jobs_total" integer NOT NULL DEFAULT '0', "jobs_completed" integer NOT NULL DEFAULT '0', "jobs_failed" integer NOT NULL DEFAULT '0', "changes" integer NOT NULL DEFAULT '0', "error" text, CONSTRAINT "sync_run_counts_check" CHECK (jobs_total >= 0 AND jobs_completed >= 0 AND jobs_failed >= 0 AND learners >= 0), CONSTRAINT "sync_run_state_check" CHECK (state IN ('queued', 'running', 'completed', 'failed')), CONSTRAINT "sync_run_trigger_check" CHECK (trigger IN ('schedule', 'manual', 'learner')), CONSTRAINT "PK_ab1387853fd86ea904a21058b01" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "sync_run_started_idx" ON "sync_run" ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "sync_event" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "run_id" uuid, "job_id" character varying(200), "queue" character varying(32) NOT NULL, "subject_type" character varying(16) NOT NULL, "subject_ref" character varying(64) NOT NULL, "learner_id" integer, "outcome" character varying(16) NOT NULL, "changes" jsonb NOT NULL DEFAULT '[]', "error" text, CONSTRAINT "sync_event_subject_type_check" CHECK (subject_type IN ('learner', 'officer', 'organisation')), CONSTRAINT "sync_event_outcome_check" CHECK (outcome IN ('changed', 'unchanged', 'skipped', 'failed')), CONSTRAINT "PK_ee793a8fc585a352607159f8d95" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "sync_event_run_outcome_idx" ON "sync_event" ("run_id", "outcome") `);
    await queryRunner.query(`CREATE INDEX "sync_event_learner_history_idx" ON "sync_event" ("learner_id", "at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "sync_event_run_subject_key" ON "sync_event" ("run_id", "queue", "subject_type", "subject_ref") `);
    await queryRunner.query(
      `ALTER TABLE "admin_session" ADD CONSTRAINT "FK_b8693430b801c28fe69565d654b" FOREIGN KEY ("user_id") REFERENCES "admin_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learner" ADD CONSTRAINT "FK_486980204201a588958b853d305" FOREIGN KEY ("placement_organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learner" ADD CONSTRAINT "FK_068d74259a977ec1bfa3f2f3119" FOREIGN KEY ("main_officer_id") REFERENCES "officer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "break_in_learning" ADD CONSTRAINT "FK_c1fcc009776408550861a2212b5" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learner_officer_role" ADD CONSTRAINT "FK_ef5b4d0dc0048377b96e01cce80" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learner_officer_role" ADD CONSTRAINT "FK_68f19e61b8ee355280e9e42d0a7" FOREIGN KEY ("officer_id") REFERENCES "officer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learning_aim" ADD CONSTRAINT "FK_ae101d4733e8c65594ce20f6b11" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learning_aim" ADD CONSTRAINT "FK_7fd7f5ce07785368df7fa78eba9" FOREIGN KEY ("qualification_id") REFERENCES "qualification"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "learning_aim" ADD CONSTRAINT "FK_5637108928d46d191ed3fa84833" FOREIGN KEY ("restart_of_id") REFERENCES "learning_aim"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review" ADD CONSTRAINT "FK_9438c9d8082f2313855d7c2d2ae" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review" ADD CONSTRAINT "FK_89212d104a61a232f39f6204f2a" FOREIGN KEY ("review_type_id") REFERENCES "review_type"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review" ADD CONSTRAINT "FK_65831269fb542e6f472c8baa909" FOREIGN KEY ("officer_id") REFERENCES "officer"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sync_run" ADD CONSTRAINT "FK_bce1a2319946f18647544f39e04" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sync_event" ADD CONSTRAINT "FK_e00285151c3d63ea03951d766c7" FOREIGN KEY ("run_id") REFERENCES "sync_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sync_event" ADD CONSTRAINT "FK_af61b8f329365058cdf569e61ad" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "sync_run_one_active_key" ON "sync_run" ((true)) WHERE state IN ('queued', 'running') AND trigger IN ('schedule', 'manual')`);
    await queryRunner.query(`INSERT INTO "integration_settings" ("id") VALUES (1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync_event" CASCADE`);
    await queryRunner.query(`DROP TABLE "sync_run" CASCADE`);
    await queryRunner.query(`DROP TABLE "review" CASCADE`);
    await queryRunner.query(`DROP TABLE "review_type" CASCADE`);
    await queryRunner.query(`DROP TABLE "learning_aim" CASCADE`);
    await queryRunner.query(`DROP TABLE "qualification" CASCADE`);
    await queryRunner.query(`DROP TABLE "learner_officer_role" CASCADE`);
    await queryRunner.query(`DROP TABLE "integration_settings" CASCADE`);
    await queryRunner.query(`DROP TABLE "break_in_learning" CASCADE`);
    await queryRunner.query(`DROP TABLE "learner" CASCADE`);
    await queryRunner.query(`DROP TABLE "organisation" CASCADE`);
    await queryRunner.query(`DROP TABLE "officer" CASCADE`);
    await queryRunner.query(`DROP TABLE "admin_session" CASCADE`);
    await queryRunner.query(`DROP TABLE "admin_user" CASCADE`);
  }
}
