import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { numericTransformer } from './columns.js';
import type { Gender, RiskBand, SystemStatus } from './enums.js';
import { Officer } from './officer.js';
import { Organisation } from './organisation.js';
import type { BreakInLearning } from './break-in-learning.js';
import type { LearnerOfficerRole } from './learner-officer-role.js';
import type { LearningAim } from './learning-aim.js';
import type { Review } from './review.js';

@Entity('learner')
@Check('learner_system_status_check', `system_status IN ('Live', 'Archived')`)
@Check('learner_risk_band_check', `risk_band IS NULL OR risk_band IN ('Green', 'Yellow', 'Red')`)
@Check('learner_gender_check', `gender IS NULL OR gender IN ('Male', 'Female', 'Other', 'NotKnown')`)
@Check('learner_otj_check', `(planned_otj_hours IS NULL OR planned_otj_hours >= 0) AND (actual_otj_hours IS NULL OR actual_otj_hours >= 0)`)
/** The daily eligibility query walks enrolled Live learners by id. */
@Index('learner_eligible_idx', ['id'], { where: `system_status = 'Live' AND smart_assessor_id IS NOT NULL` })
export class Learner {
  @PrimaryGeneratedColumn()
  id: number;

  /** The MIS's unique key, sent to Smart Assessor as `misReference`. */
  @Index({ unique: true })
  @Column({ name: 'learner_ident', type: 'varchar', length: 64 })
  learnerIdent: string;

  /** Learner Reference Number. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  lrn: string | null;

  @Column({ name: 'first_name', type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  surname: string;

  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  gender: Gender | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  uln: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address1: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address2: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address3: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address4: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  postcode: string | null;

  @Column({ name: 'ni_number', type: 'varchar', length: 9, nullable: true })
  niNumber: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  mobile: string | null;

  @Column({ name: 'system_status', type: 'varchar', length: 16, default: 'Live' })
  systemStatus: SystemStatus;

  @Index()
  @Column({ name: 'placement_organisation_id', type: 'int', nullable: true })
  placementOrganisationId: number | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'placement_organisation_id' })
  placementOrganisation?: Relation<Organisation> | null;

  @Index()
  @Column({ name: 'main_officer_id', type: 'int', nullable: true })
  mainOfficerId: number | null;

  @ManyToOne(() => Officer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'main_officer_id' })
  mainOfficer?: Relation<Officer> | null;

  @Column({ name: 'planned_otj_hours', type: 'int', nullable: true })
  plannedOtjHours: number | null;

  @Column({ name: 'actual_otj_hours', type: 'numeric', precision: 8, scale: 2, nullable: true, transformer: numericTransformer })
  actualOtjHours: number | null;

  @Column({ name: 'risk_band', type: 'varchar', length: 8, nullable: true })
  riskBand: RiskBand | null;

  /** The Smart Assessor learner id: blank until enrolled; an admin may edit it. */
  @Index('learner_smart_assessor_id_key', { unique: true, where: 'smart_assessor_id IS NOT NULL' })
  @Column({ name: 'smart_assessor_id', type: 'varchar', length: 64, nullable: true })
  smartAssessorId: string | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @OneToMany('LearningAim', 'learner')
  aims?: Relation<LearningAim>[];

  @OneToMany('LearnerOfficerRole', 'learner')
  officerRoles?: Relation<LearnerOfficerRole>[];

  @OneToMany('Review', 'learner')
  reviews?: Relation<Review>[];

  @OneToMany('BreakInLearning', 'learner')
  breaksInLearning?: Relation<BreakInLearning>[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
