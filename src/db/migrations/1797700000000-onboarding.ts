import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Onboarding (SPEC.md §6): a match of the MIS's unlinked records against what Smart
 * Assessor already holds, with its proposals (accepted ones keep when they were linked),
 * and bulk enrolments with each learner's place in them (src/onboarding/).
 */
export class Onboarding1797700000000 implements MigrationInterface {
  name = 'Onboarding1797700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "onboarding_match" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "state" character varying(16) NOT NULL DEFAULT 'running', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "pages_read" integer NOT NULL DEFAULT '0', "pages_total" integer, "smart_assessor_records" jsonb, "unmatched" jsonb, "error" text, CONSTRAINT "onboarding_match_pages_check" CHECK (pages_read >= 0 AND (pages_total IS NULL OR pages_total >= 0)), CONSTRAINT "onboarding_match_state_check" CHECK (state IN ('running', 'ready', 'failed')), CONSTRAINT "onboarding_match_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "onboarding_match_created_idx" ON "onboarding_match" ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "onboarding_proposal" ("id" BIGSERIAL NOT NULL, "match_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "mis_id" integer NOT NULL, "mis_ref" character varying(64) NOT NULL, "mis_name" text NOT NULL, "smart_assessor_id" character varying(64) NOT NULL, "smart_assessor_name" text NOT NULL, "basis" character varying(16) NOT NULL, "is_unique" boolean NOT NULL, "candidates" integer NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "onboarding_proposal_basis_check" CHECK (basis IN ('misReference', 'uln', 'name-dob', 'edrs', 'name-postcode', 'email')), CONSTRAINT "onboarding_proposal_kind_check" CHECK (kind IN ('learner', 'organisation', 'officer')), CONSTRAINT "onboarding_proposal_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "onboarding_proposal_match_idx" ON "onboarding_proposal" ("match_id", "id") `);
    await queryRunner.query(
      `ALTER TABLE "onboarding_proposal" ADD CONSTRAINT "onboarding_proposal_match_fkey" FOREIGN KEY ("match_id") REFERENCES "onboarding_match"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    await queryRunner.query(
      `CREATE TABLE "enrolment_batch" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "enrolment_batch_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "enrolment_batch_created_idx" ON "enrolment_batch" ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "enrolment_batch_learner" ("batch_id" uuid NOT NULL, "learner_id" integer NOT NULL, "position" integer NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'waiting', "job_id" character varying(200), "error" text, "queued_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "enrolment_batch_learner_state_check" CHECK (state IN ('waiting', 'queued', 'enrolled', 'failed')), CONSTRAINT "enrolment_batch_learner_pkey" PRIMARY KEY ("batch_id", "learner_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "enrolment_batch_learner_learner_idx" ON "enrolment_batch_learner" ("learner_id") `);
    await queryRunner.query(`CREATE INDEX "enrolment_batch_learner_pending_idx" ON "enrolment_batch_learner" ("batch_id", "position") WHERE state IN ('waiting', 'queued')`);
    await queryRunner.query(
      `ALTER TABLE "enrolment_batch_learner" ADD CONSTRAINT "enrolment_batch_learner_batch_fkey" FOREIGN KEY ("batch_id") REFERENCES "enrolment_batch"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "enrolment_batch_learner" ADD CONSTRAINT "enrolment_batch_learner_learner_fkey" FOREIGN KEY ("learner_id") REFERENCES "learner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "enrolment_batch_learner"`);
    await queryRunner.query(`DROP TABLE "enrolment_batch"`);
    await queryRunner.query(`DROP TABLE "onboarding_proposal"`);
    await queryRunner.query(`DROP TABLE "onboarding_match"`);
  }
}
