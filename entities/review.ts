import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import type { AttendedStatus } from './enums.js';
import { Learner } from './learner.js';
import { Officer } from './officer.js';
import { ReviewType } from './review-type.js';

@Entity('review')
@Check('review_attended_status_check', `attended_status IN ('Unknown', 'Attended', 'NotAttended', 'Cancelled')`)
/** One MIS review per Smart Assessor session per learner: a retried import cannot create a second. */
@Unique('review_learner_system_id_key', ['learnerId', 'smartAssessorSystemId'])
export class Review {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ name: 'review_ident', type: 'varchar', length: 64 })
  reviewIdent: string;

  @Column({ name: 'learner_id', type: 'int' })
  learnerId: number;

  @ManyToOne(() => Learner, (learner) => learner.reviews, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learner_id' })
  learner?: Relation<Learner>;

  @Index()
  @Column({ name: 'review_type_id', type: 'int' })
  reviewTypeId: number;

  @ManyToOne(() => ReviewType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'review_type_id' })
  reviewType?: Relation<ReviewType>;

  @Column({ name: 'planned_date', type: 'date', nullable: true })
  plannedDate: string | null;

  @Column({ name: 'actual_date', type: 'date', nullable: true })
  actualDate: string | null;

  @Index()
  @Column({ name: 'officer_id', type: 'int', nullable: true })
  officerId: number | null;

  @ManyToOne(() => Officer, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'officer_id' })
  officer?: Relation<Officer> | null;

  @Column({ name: 'attended_status', type: 'varchar', length: 16, default: 'Unknown' })
  attendedStatus: AttendedStatus;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** The Smart Assessor session id this review mirrors (read-only in the UI). */
  @Column({ name: 'smart_assessor_system_id', type: 'varchar', length: 64, nullable: true })
  smartAssessorSystemId: string | null;
}
