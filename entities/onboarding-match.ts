import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

/** The Smart Assessor records a match read, by kind. */
export interface SmartAssessorRecordCounts {
  learners: number;
  employers: number;
  assessors: number;
}

/** Unlinked MIS records the match found nothing for, by kind: to be enrolled. */
export interface UnmatchedCounts {
  learners: number;
  organisations: number;
  officers: number;
}

/**
 * One onboarding match (SPEC.md §6): Smart Assessor's learners, employers and assessors
 * read page by page, and a proposal for each unlinked MIS record that one of them fits.
 */
@Entity('onboarding_match')
@Check('onboarding_match_state_check', `state IN ('running', 'ready', 'failed')`)
@Check('onboarding_match_pages_check', 'pages_read >= 0 AND (pages_total IS NULL OR pages_total >= 0)')
@Index('onboarding_match_created_idx', ['createdAt'])
export class OnboardingMatch {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'onboarding_match_pkey' })
  id: string;

  /** running until its proposals are stored (ready), or until it gave up (failed). */
  @Column({ type: 'varchar', length: 16, default: 'running' })
  state: 'running' | 'ready' | 'failed';

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** When a worker began reading Smart Assessor (again, after a restart). */
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** Pages of Smart Assessor's lists read so far, of `pagesTotal` (null until the first page of each list says). */
  @Column({ name: 'pages_read', type: 'int', default: 0 })
  pagesRead: number;

  @Column({ name: 'pages_total', type: 'int', nullable: true })
  pagesTotal: number | null;

  @Column({ name: 'smart_assessor_records', type: 'jsonb', nullable: true })
  smartAssessorRecords: SmartAssessorRecordCounts | null;

  @Column({ type: 'jsonb', nullable: true })
  unmatched: UnmatchedCounts | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}

/** One proposed link: an unlinked MIS record and a Smart Assessor record it fits, by one rule. */
@Entity('onboarding_proposal')
@Check('onboarding_proposal_kind_check', `kind IN ('learner', 'organisation', 'officer')`)
@Check('onboarding_proposal_basis_check', `basis IN ('misReference', 'uln', 'name-dob', 'edrs', 'name-postcode', 'email')`)
@Index('onboarding_proposal_match_idx', ['matchId', 'id'])
export class OnboardingProposal {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'onboarding_proposal_pkey' })
  id: string;

  @Column({ name: 'match_id', type: 'uuid' })
  matchId: string;

  @ManyToOne(() => OnboardingMatch, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'match_id', foreignKeyConstraintName: 'onboarding_proposal_match_fkey' })
  match?: Relation<OnboardingMatch>;

  @Column({ type: 'varchar', length: 16 })
  kind: 'learner' | 'organisation' | 'officer';

  /** The learner's, organisation's or officer's id (the kind says which table). */
  @Column({ name: 'mis_id', type: 'int' })
  misId: number;

  /** Learner Ident or ref. */
  @Column({ name: 'mis_ref', type: 'varchar', length: 64 })
  misRef: string;

  /** How the admin recognises the record: the learner's or officer's name, the organisation's. */
  @Column({ name: 'mis_name', type: 'text' })
  misName: string;

  @Column({ name: 'smart_assessor_id', type: 'varchar', length: 64 })
  smartAssessorId: string;

  @Column({ name: 'smart_assessor_name', type: 'text' })
  smartAssessorName: string;

  @Column({ type: 'varchar', length: 16 })
  basis: string;

  /** The only Smart Assessor record that fits, claimed by no other MIS record. */
  @Column({ name: 'is_unique', type: 'boolean' })
  isUnique: boolean;

  /** Smart Assessor records that fit the MIS record by this rule; more than one needs the admin's choice. */
  @Column({ type: 'int' })
  candidates: number;

  /** When an accept linked it; null while it is only proposed. */
  @Column({ name: 'linked_at', type: 'timestamptz', nullable: true })
  linkedAt: Date | null;
}
