import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { RunState, RunTrigger } from './enums.js';
import type { IntegrationSettings } from './integration-settings.js';
import { Learner } from './learner.js';

/**
 * The settings (SPEC.md §2) a run works under, recorded when it starts (admin-api.md
 * `SyncRun.settings`): every job of the run reads these, not the settings row. No secret
 * is ever among them: they are what the settings API shows (src/settings/run-settings.ts).
 */
export type RunSettings = Pick<
  IntegrationSettings,
  | 'integrationEnabled'
  | 'baseUrl'
  | 'username'
  | 'sendLearnerWelcomeEmail'
  | 'setStudentIdToLrn'
  | 'updateRiskFromSmartCoach'
  | 'learnerDemographicsMode'
  | 'officerDemographicsMode'
  | 'organisationDemographicsMode'
  | 'updateLearnerGender'
  | 'secondAssessorRole'
  | 'pushChangesToLearnerEmployer'
  | 'reviewTypeMappings'
  | 'dailySchedule'
  | 'timezone'
  | 'liveSync'
> & {
  /**
   * When the settings row was last saved (ISO 8601): a job's Smart Assessor client is
   * built from connection settings at least this new.
   */
  savedAt: string;
  /**
   * A live run's (SPEC.md §6): its jobs send the MIS's changes and pull nothing (no
   * details, risk band or OTJ hours come down); pulls stay with the daily run and Update
   * Learner. Absent on every other run.
   */
  pushOnly?: true;
  /**
   * A dry run's (SPEC.md §6): its jobs read Smart Assessor and plan as ever, but their
   * writes are only recorded, as the run's events (workers/job-attempt.ts). Not kept in
   * `settings`: read from the run's `dry_run` column with them (src/settings/run-settings.ts).
   */
  dryRun?: true;
};

/** One synchronisation run: the daily schedule, an admin's "sync now", one learner's update, or live sync's changes of a while (src/live/). */
@Entity('sync_run')
@Check('sync_run_trigger_check', `trigger IN ('schedule', 'manual', 'learner', 'live')`)
@Check('sync_run_state_check', `state IN ('queued', 'running', 'completed', 'failed')`)
@Check('sync_run_events_kept_check', `events_kept IN ('all', 'changes', 'none')`)
@Check('sync_run_counts_check', 'jobs_total >= 0 AND jobs_completed >= 0 AND jobs_failed >= 0 AND learners >= 0')
/** At most one whole-provider run is active at a time (a second "sync now" answers 409); built in the migration. */
@Index('sync_run_one_active_key', { synchronize: false })
/** The live runs going, which the live relay looks for several times a second; built in the migration. */
@Index('sync_run_live_running_idx', { synchronize: false })
@Index('sync_run_started_idx', ['createdAt'])
/** The dry runs, which records' histories leave out; built in the migration. */
@Index('sync_run_dry_run_idx', { synchronize: false })
export class SyncRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  trigger: RunTrigger;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  state: RunState;

  /** A dry run: it reads Smart Assessor and records what it would change, writing nothing (SPEC.md §6). */
  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun: boolean;

  /** The day eligibility was judged on (UK date), so a resumed run selects the same learners. */
  @Column({ name: 'as_of_date', type: 'date' })
  asOfDate: string;

  /** For trigger 'learner': the one learner. */
  @Column({ name: 'learner_id', type: 'int', nullable: true })
  learnerId: number | null;

  @ManyToOne(() => Learner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'learner_id' })
  learner?: Relation<Learner> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** True once every job of the run has been added to its queue. */
  @Column({ name: 'fan_out_complete', type: 'boolean', default: false })
  fanOutComplete: boolean;

  @Column({ type: 'int', default: 0 })
  learners: number;

  @Column({ name: 'jobs_total', type: 'int', default: 0 })
  jobsTotal: number;

  @Column({ name: 'jobs_completed', type: 'int', default: 0 })
  jobsCompleted: number;

  @Column({ name: 'jobs_failed', type: 'int', default: 0 })
  jobsFailed: number;

  /** Fields changed across the run (the trend chart). */
  @Column({ type: 'int', default: 0 })
  changes: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Null for runs started before runs recorded their settings. */
  @Column({ type: 'jsonb', nullable: true })
  settings: RunSettings | null;
  /** What the history retention has left of the run's sync events: all, changes and failures only, or none. */
  @Column({ name: 'events_kept', type: 'varchar', length: 8, default: 'all' })
  eventsKept: 'all' | 'changes' | 'none';

  /** The run page's "learners done", kept before the retention thins the events it is counted from. */
  @Column({ name: 'learners_done', type: 'int', nullable: true })
  learnersDone: number | null;
}
