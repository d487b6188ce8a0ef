import type { DataSource } from 'typeorm';
import {
  BreakInLearning,
  Learner,
  LearnerOfficerRole,
  LearningAim,
  Review,
  type AttendedStatus,
  type CompletionStatus,
  type Outcome,
  type RiskBand,
  type SystemStatus,
} from '../../../entities/index.js';
import type { LearnerDemographics } from '../../smart-assessor/types.js';
import { isEligible, learningState, placeAims, type AimPlacement, type IsoDate } from '../../sync/index.js';

export interface LinkedRecord {
  ref: string;
  name: string;
  additionalId: string | null;
}

export interface QualificationAimView {
  aimRef: string;
  reference: string;
  title: string;
  supportedInSmartAssessor: boolean;
  smartAssessorLearnerCourseId: string | null;
  /**
   * Where the aim stands with Smart Assessor: enrolled on its course (a restart aim: its
   * chain's course); to-enrol (supported: enrolment, or for an enrolled learner the next
   * sync, enrols it); unsupported (skipped and reported, not failed); superseded (a later
   * aim restarts it).
   */
  inSmartAssessor: AimPlacement<unknown>['state'];
  startDate: string;
  plannedEndDate: string;
  actualEndDate: string | null;
  completionStatus: CompletionStatus;
  outcome: Outcome | null;
  elementsTotal: number | null;
  elementsDone: number | null;
  restartOf: string | null;
}

export interface ReviewView {
  reviewIdent: string;
  reviewType: string;
  plannedDate: string | null;
  actualDate: string | null;
  officerRef: string | null;
  attendedStatus: AttendedStatus;
  notes: string | null;
  smartAssessorSystemId: string | null;
}

/** The learner's own details as the MIS holds them: the Learner Ident, LRN and the fields Smart Assessor shares. */
export type LearnerDetails = Pick<Learner, 'learnerIdent' | 'lrn' | keyof LearnerDemographics>;

/** The learner as the MIS holds it (contracts/admin-api.md `LearnerView`). */
export interface LearnerView extends LearnerDetails {
  systemStatus: SystemStatus;
  inLearning: boolean;
  endedOn: string | null;
  eligible: boolean;
  smartAssessorId: string | null;
  riskBand: RiskBand | null;
  placementOrganisation: LinkedRecord | null;
  mainOfficer: LinkedRecord | null;
  officerRoles: Array<{ role: string; officerRef: string }>;
  plannedOtjHours: number | null;
  actualOtjHours: number | null;
  qualifications: QualificationAimView[];
  reviews: ReviewView[];
  breaksInLearning: Array<{ lastDayInLearning: string; returnDate: string | null }>;
  lastSyncedAt: string | null;
  lastError: string | null;
}

export async function findLearnerByIdent(db: DataSource, learnerIdent: string): Promise<Learner | null> {
  return db.getRepository(Learner).findOneBy({ learnerIdent });
}

/** Everything the learner page shows, read in a handful of indexed queries; null for an unknown ident. */
export async function loadLearnerView(db: DataSource, learnerIdent: string, today: IsoDate): Promise<LearnerView | null> {
  const learner = await db.getRepository(Learner).findOne({
    where: { learnerIdent },
    relations: { placementOrganisation: true, mainOfficer: true },
  });
  if (!learner) return null;
  const [aims, roles, reviews, breaks] = await Promise.all([
    db.getRepository(LearningAim).find({
      where: { learnerId: learner.id },
      relations: { qualification: true, restartOf: true },
      order: { startDate: 'ASC', id: 'ASC' },
    }),
    db.getRepository(LearnerOfficerRole).find({ where: { learnerId: learner.id }, relations: { officer: true }, order: { role: 'ASC' } }),
    db.getRepository(Review).find({
      where: { learnerId: learner.id },
      relations: { reviewType: true, officer: true },
      order: { plannedDate: { direction: 'ASC', nulls: 'LAST' }, id: 'ASC' },
    }),
    db.getRepository(BreakInLearning).find({ where: { learnerId: learner.id }, order: { lastDayInLearning: 'ASC' } }),
  ]);
  const state = learningState(aims);
  const placements = placeAims(aims.map((aim) => ({ ...aim, qualification: aim.qualification! })));
  const organisation = learner.placementOrganisation;
  const officer = learner.mainOfficer;
  return {
    learnerIdent: learner.learnerIdent,
    lrn: learner.lrn,
    firstName: learner.firstName,
    surname: learner.surname,
    dateOfBirth: learner.dateOfBirth,
    gender: learner.gender,
    uln: learner.uln,
    email: learner.email,
    address1: learner.address1,
    address2: learner.address2,
    address3: learner.address3,
    address4: learner.address4,
    postcode: learner.postcode,
    niNumber: learner.niNumber,
    phone: learner.phone,
    mobile: learner.mobile,
    systemStatus: learner.systemStatus,
    inLearning: state.inLearning,
    endedOn: state.endedOn,
    eligible: isEligible({ systemStatus: learner.systemStatus, smartAssessorId: learner.smartAssessorId, aims }, today),
    smartAssessorId: learner.smartAssessorId,
    riskBand: learner.riskBand,
    placementOrganisation: organisation ? { ref: organisation.ref, name: organisation.name, additionalId: organisation.additionalId } : null,
    mainOfficer: officer ? { ref: officer.ref, name: `${officer.firstName} ${officer.surname}`, additionalId: officer.additionalId } : null,
    officerRoles: roles.map((role) => ({ role: role.role, officerRef: role.officer!.ref })),
    plannedOtjHours: learner.plannedOtjHours,
    actualOtjHours: learner.actualOtjHours,
    qualifications: aims.map((aim, index) => ({
      aimRef: aim.aimRef,
      reference: aim.qualification!.reference,
      title: aim.qualification!.title,
      supportedInSmartAssessor: aim.qualification!.saCourseId !== null,
      smartAssessorLearnerCourseId: aim.saLearnerCourseId,
      inSmartAssessor: placements[index].state,
      startDate: aim.startDate,
      plannedEndDate: aim.plannedEndDate,
      actualEndDate: aim.actualEndDate,
      completionStatus: aim.completionStatus,
      outcome: aim.outcome,
      elementsTotal: aim.elementsTotal,
      elementsDone: aim.elementsDone,
      restartOf: aim.restartOf?.aimRef ?? null,
    })),
    reviews: reviews.map((review) => ({
      reviewIdent: review.reviewIdent,
      reviewType: review.reviewType!.code,
      plannedDate: review.plannedDate,
      actualDate: review.actualDate,
      officerRef: review.officer?.ref ?? null,
      attendedStatus: review.attendedStatus,
      notes: review.notes,
      smartAssessorSystemId: review.smartAssessorSystemId,
    })),
    breaksInLearning: breaks.map((entry) => ({ lastDayInLearning: entry.lastDayInLearning, returnDate: entry.returnDate })),
    lastSyncedAt: learner.lastSyncedAt ? learner.lastSyncedAt.toISOString() : null,
    lastError: learner.lastError,
  };
}
