import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Direction, EventOutcome, SubjectType } from './enums.js';
import { Learner } from './learner.js';
import { SyncRun } from './sync-run.js';

/**
 * One field that a job changed, and which way it went. A `kept` one changed nothing:
 * `from` is Smart Assessor's blank, `to` the MIS value that was kept.
 */
export interface FieldChange {
  record: string;
  field: string;
  from: unknown;
  to: unknown;
  direction: Direction;
}

/** Whom a sync event is about. */
export interface SyncSubject {
  type: SubjectType;
  /** Learner Ident, officer ref or organisation ref. */
  ref: string;
  learnerId: number | null;
}

/**
 * The outcome of one job: the audit trail. Within a run there is one row per queue and
 * subject; a job that runs again (a retry, a duplicate delivery, a manual "sync again")
 * updates that row and appends its changes, so counts stay exact and nothing is lost.
 */
@Entity('sync_event')
@Check('sync_event_outcome_check', `outcome IN ('changed', 'unchanged', 'skipped', 'failed')`)
@Check('sync_event_subject_type_check', `subject_type IN ('learner', 'officer', 'organisation')`)
@Index('sync_event_run_subject_key', ['runId', 'queue', 'subjectType', 'subjectRef'], { unique: true })
@Index('sync_event_learner_history_idx', ['learnerId', 'at'])
@Index('sync_event_record_history_idx', ['subjectType', 'subjectRef', 'at'], { where: 'learner_id IS NULL' })
@Index('sync_event_run_failed_idx', ['runId'], { where: `outcome = 'failed'` })
/** Events outside any run (enrolment, an admin's edit), by time, for the history retention. */
@Index('sync_event_outside_runs_idx', ['at'], { where: 'run_id IS NULL' })
export class SyncEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  /** Blank for work outside a run (enrolment, an admin's edit). */
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId: string | null;

  @ManyToOne(() => SyncRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Relation<SyncRun> | null;

  @Column({ name: 'job_id', type: 'varchar', length: 200, nullable: true })
  jobId: string | null;

  @Column({ type: 'varchar', length: 32 })
  queue: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  subjectType: SubjectType;

  /** Learner Ident, officer ref or organisation ref. */
  @Column({ name: 'subject_ref', type: 'varchar', length: 64 })
  subjectRef: string;

  @Column({ name: 'learner_id', type: 'int', nullable: true })
  learnerId: number | null;

  @ManyToOne(() => Learner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learner_id' })
  learner?: Relation<Learner> | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: EventOutcome;

  @Column({ type: 'jsonb', default: [] })
  changes: FieldChange[];

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
