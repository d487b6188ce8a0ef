import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DemographicsMode, SessionType } from './enums.js';

export type ReviewTypeMappings = Partial<Record<SessionType, string | null>>;

/** SPEC.md §2: one row. The password and client key are stored encrypted (see src/settings). */
@Entity('integration_settings')
@Check('integration_settings_single_row_check', 'id = 1')
@Check(
  'integration_settings_modes_check',
  `learner_demographics_mode IN ('None', 'Push', 'Pull') AND officer_demographics_mode IN ('None', 'Push', 'Pull') AND organisation_demographics_mode IN ('None', 'Push', 'Pull')`,
)
@Check('integration_settings_schedule_check', `daily_schedule ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`)
export class IntegrationSettings {
  @PrimaryColumn({ type: 'int', default: 1 })
  id: number;

  @Column({ name: 'integration_enabled', type: 'boolean', default: true })
  integrationEnabled: boolean;

  /** Blank: the deployment's SMART_ASSESSOR_BASE_URL (or the built-in simulator). */
  @Column({ name: 'base_url', type: 'varchar', length: 500, nullable: true })
  baseUrl: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  username: string | null;

  @Column({ name: 'password_encrypted', type: 'text', nullable: true })
  passwordEncrypted: string | null;

  @Column({ name: 'client_key_encrypted', type: 'text', nullable: true })
  clientKeyEncrypted: string | null;

  @Column({ name: 'send_learner_welcome_email', type: 'boolean', default: false })
  sendLearnerWelcomeEmail: boolean;

  @Column({ name: 'set_student_id_to_lrn', type: 'boolean', default: false })
  setStudentIdToLrn: boolean;

  @Column({ name: 'update_risk_from_smart_coach', type: 'boolean', default: false })
  updateRiskFromSmartCoach: boolean;

  @Column({ name: 'learner_demographics_mode', type: 'varchar', length: 8, default: 'None' })
  learnerDemographicsMode: DemographicsMode;

  @Column({ name: 'officer_demographics_mode', type: 'varchar', length: 8, default: 'None' })
  officerDemographicsMode: DemographicsMode;

  @Column({ name: 'organisation_demographics_mode', type: 'varchar', length: 8, default: 'None' })
  organisationDemographicsMode: DemographicsMode;

  @Column({ name: 'update_learner_gender', type: 'boolean', default: false })
  updateLearnerGender: boolean;

  /** An officer role (e.g. "Second Assessor") whose holder becomes each course's secondary assessor. */
  @Column({ name: 'second_assessor_role', type: 'varchar', length: 64, nullable: true })
  secondAssessorRole: string | null;

  @Column({ name: 'push_changes_to_learner_employer', type: 'boolean', default: false })
  pushChangesToLearnerEmployer: boolean;

  /** Smart Assessor session type → MIS review type code; absent or null = ignore. */
  @Column({ name: 'review_type_mappings', type: 'jsonb', default: {} })
  reviewTypeMappings: ReviewTypeMappings;

  /** HH:MM, local to `timezone`. */
  @Column({ name: 'daily_schedule', type: 'varchar', length: 5, default: '02:00' })
  dailySchedule: string;

  @Column({ type: 'varchar', length: 64, default: 'Europe/London' })
  timezone: string;

  /** SPEC.md §6 Live Sync: MIS changes are captured as they are made and sent within minutes (src/live/). */
  @Column({ name: 'live_sync', type: 'boolean', default: false })
  liveSync: boolean;

  /** Where run alerts are POSTed; sealed like the password (it often carries the receiver's token). */
  @Column({ name: 'notification_webhook_url_encrypted', type: 'text', nullable: true })
  notificationWebhookUrlEncrypted: string | null;

  @Column({ name: 'last_synchronised_at', type: 'timestamptz', nullable: true })
  lastSynchronisedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
