import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Learner } from './learner.js';

/** A bulk enrolment (SPEC.md §6): learners enrolled one by one through the enrolment queue, with progress. */
@Entity('enrolment_batch')
@Index('enrolment_batch_created_idx', ['createdAt'])
export class EnrolmentBatch {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'enrolment_batch_pkey' })
  id: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** When its last learner was enrolled or failed. */
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}

export type BatchLearnerState = 'waiting' | 'queued' | 'enrolled' | 'failed';

/** One learner of a batch: waiting its turn, queued (its enrolment job is in the enrolment queue), then enrolled or failed. */
@Entity('enrolment_batch_learner')
@Check('enrolment_batch_learner_state_check', `state IN ('waiting', 'queued', 'enrolled', 'failed')`)
/** The learners still to do, in order: what the batch's feeder reads at each step. */
@Index('enrolment_batch_learner_pending_idx', ['batchId', 'position'], { where: `state IN ('waiting', 'queued')` })
/** A learner's removal reaches their batch rows by it. */
@Index('enrolment_batch_learner_learner_idx', ['learnerId'])
export class EnrolmentBatchLearner {
  @PrimaryColumn({ name: 'batch_id', type: 'uuid', primaryKeyConstraintName: 'enrolment_batch_learner_pkey' })
  batchId: string;

  @PrimaryColumn({ name: 'learner_id', type: 'int', primaryKeyConstraintName: 'enrolment_batch_learner_pkey' })
  learnerId: number;

  @ManyToOne(() => EnrolmentBatch, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'enrolment_batch_learner_batch_fkey' })
  batch?: Relation<EnrolmentBatch>;

  @ManyToOne(() => Learner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learner_id', foreignKeyConstraintName: 'enrolment_batch_learner_learner_fkey' })
  learner?: Relation<Learner>;

  /** The order learners are queued in (the request's, or by Learner Ident). */
  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 16, default: 'waiting' })
  state: BatchLearnerState;

  /** The enrolment job doing it (it may be one an admin's own Enrol request queued first). */
  @Column({ name: 'job_id', type: 'varchar', length: 200, nullable: true })
  jobId: string | null;

  /** Why it was not enrolled: the job's reason (record, field and reason, never the value). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'queued_at', type: 'timestamptz', nullable: true })
  queuedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
