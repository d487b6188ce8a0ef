import { Check, Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { SyncRun } from './sync-run.js';

export type RunNotificationEvent = 'finished-with-failures' | 'failed' | 'overdue';

/**
 * The outbox of run alerts for the notification webhook: one row per run and event,
 * made once (its key), sent until the receiver takes it or the tries run out.
 */
@Entity('run_notification')
@Check('run_notification_event_check', `event IN ('finished-with-failures', 'failed', 'overdue')`)
@Index('run_notification_id_key', ['id'], { unique: true })
@Index('run_notification_due_idx', ['nextAttemptAt'], { where: 'sent_at IS NULL AND gave_up_at IS NULL' })
export class RunNotification {
  @PrimaryColumn({ name: 'run_id', type: 'uuid', primaryKeyConstraintName: 'run_notification_pkey' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 24, primaryKeyConstraintName: 'run_notification_pkey' })
  event: RunNotificationEvent;

  @ManyToOne(() => SyncRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'run_notification_run_fkey' })
  run?: Relation<SyncRun>;

  /** Sent as the Idempotency-Key: a receiver that heard it twice (a crash after the POST) can tell. */
  @Column({ type: 'uuid' })
  @Generated('uuid')
  id: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** A sender holds the row until then; another takes it over only after (a sender that died). */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'gave_up_at', type: 'timestamptz', nullable: true })
  gaveUpAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
