import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { CompletionStatus, Outcome } from './enums.js';
import { Learner } from './learner.js';
import { Qualification } from './qualification.js';

/** A learner's ILR learning aim on a catalogue qualification. */
@Entity('learning_aim')
@Check('learning_aim_completion_status_check', 'completion_status IN (1, 2, 3, 6)')
@Check('learning_aim_outcome_check', 'outcome IS NULL OR outcome IN (1, 2, 3, 8)')
@Check('learning_aim_dates_check', 'planned_end_date >= start_date AND (actual_end_date IS NULL OR actual_end_date >= start_date)')
@Check('learning_aim_elements_check', 'elements_done IS NULL OR elements_done >= 0')
@Check('learning_aim_not_own_restart_check', 'restart_of_id IS NULL OR restart_of_id <> id')
/** In Learning / ended on: the eligibility query reads each learner's aims' end dates. */
@Index('learning_aim_learner_end_idx', ['learnerId', 'actualEndDate'])
export class LearningAim {
  @PrimaryGeneratedColumn()
  id: number;

  /** The MIS's stable key for the aim; sent to Smart Assessor as the learner course `misReference`. */
  @Index({ unique: true })
  @Column({ name: 'aim_ref', type: 'varchar', length: 64 })
  aimRef: string;

  @Column({ name: 'learner_id', type: 'int' })
  learnerId: number;

  @ManyToOne(() => Learner, (learner) => learner.aims, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learner_id' })
  learner?: Relation<Learner>;

  @Index()
  @Column({ name: 'qualification_id', type: 'int' })
  qualificationId: number;

  @ManyToOne(() => Qualification, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'qualification_id' })
  qualification?: Relation<Qualification>;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'planned_end_date', type: 'date' })
  plannedEndDate: string;

  @Column({ name: 'actual_end_date', type: 'date', nullable: true })
  actualEndDate: string | null;

  @Column({ name: 'completion_status', type: 'smallint' })
  completionStatus: CompletionStatus;

  @Column({ type: 'smallint', nullable: true })
  outcome: Outcome | null;

  @Column({ name: 'elements_total', type: 'int', nullable: true })
  elementsTotal: number | null;

  @Column({ name: 'elements_done', type: 'int', nullable: true })
  elementsDone: number | null;

  @Index('learning_aim_sa_learner_course_id_key', { unique: true, where: 'sa_learner_course_id IS NOT NULL' })
  @Column({ name: 'sa_learner_course_id', type: 'varchar', length: 64, nullable: true })
  saLearnerCourseId: string | null;

  /** The aim this one restarts after a break in learning. */
  @Index()
  @Column({ name: 'restart_of_id', type: 'int', nullable: true })
  restartOfId: number | null;

  @ManyToOne(() => LearningAim, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'restart_of_id' })
  restartOf?: Relation<LearningAim> | null;
}
