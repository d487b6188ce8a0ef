import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SubjectType } from './enums.js';

/**
 * The outbox of live sync (SPEC.md §6): a change to a record that a push mode or the
 * status rules send, written by the database's own triggers in the same transaction as
 * the change (migration 1797800000000-live-sync), whoever made it. The relay
 * (src/live/relay.ts) turns a record's rows into its jobs and removes them once the jobs
 * are queued.
 */
@Entity('live_change')
@Check('live_change_subject_type_check', `subject_type IN ('learner', 'officer', 'organisation')`)
@Index('live_change_subject_idx', ['subjectType', 'subjectId'])
export class LiveChange {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'live_change_pkey' })
  id: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  subjectType: SubjectType;

  /** The learner's, officer's or organisation's id. */
  @Column({ name: 'subject_id', type: 'int' })
  subjectId: number;

  /** The job names the change calls for (e.g. learner-demographics, learner-status). */
  @Column({ type: 'varchar', length: 32, array: true })
  jobs: string[];

  /** When the change was written (clock time, not the transaction's start): a burst is judged by its last change. */
  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  changedAt: Date;
}
