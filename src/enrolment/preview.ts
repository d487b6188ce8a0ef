import type { DataSource } from 'typeorm';
import type { Officer, Organisation } from '../../entities/index.js';
import { LearnerNotFoundError } from '../runs/run-refusals.js';
import type { FieldProblem } from '../failure-kinds.js';
import type { LearnerCreate } from '../smart-assessor/types.js';
import { learnerCreateBody, ukToday, type IsoDate } from '../sync/index.js';
import { planEnrolment, type EnrolmentPlan } from './enrolment-plan.js';
import { loadEnrolmentRecords, readIntegrationSettings, type EnrolmentAimRecord } from './enrolment-records.js';
import { presentId } from './smart-assessor-ids.js';

/** Link: the record's Additional ID names the Smart Assessor record to use. Create: a new one is made (and its id saved). */
export type LinkAction = 'link' | 'create';

export interface EmployerPreview {
  ref: string;
  name: string;
  action: LinkAction;
  /** The Smart Assessor employer id when linked; null when one will be created. */
  smartAssessorId: string | null;
}

export interface AssessorPreview {
  ref: string;
  name: string;
  email: string;
  action: LinkAction;
  /** The Smart Assessor assessor id when linked; null when one will be created. */
  smartAssessorId: string | null;
}

export interface SecondAssessorPreview extends AssessorPreview {
  /** The Qualification Second Assessor Role the officer holds on the learner. */
  role: string;
}

/**
 * enrol: will be enrolled on its course; skip: Smart Assessor does not support it;
 * enrolled: already on its course; superseded: another aim restarts it, and only the
 * last aim of a restart chain is enrolled.
 */
export type QualificationAction = 'enrol' | 'skip' | 'enrolled' | 'superseded';

export interface QualificationPreview {
  aimRef: string;
  reference: string;
  title: string;
  startDate: IsoDate;
  plannedEndDate: IsoDate;
  supportedInSmartAssessor: boolean;
  smartAssessorCourseId: string | null;
  action: QualificationAction;
  smartAssessorLearnerCourseId: string | null;
  /** Only when superseded: the aimRef of the aim that restarts this one. */
  supersededBy?: string;
}

/** The learner as Smart Assessor will receive them; the employer and assessor ids are settled when the enrolment runs. */
export type LearnerPreview = Omit<LearnerCreate, 'employerId' | 'assessorId'>;

/** GET /api/learners/{ident}/enrolment-preview: what enrolment would send, read from PostgreSQL alone. */
export interface EnrolmentPreview {
  learnerIdent: string;
  /** The learner has a Smart Assessor ID: enrolment is not sent again. */
  alreadyEnrolled: boolean;
  smartAssessorId: string | null;
  learner: LearnerPreview;
  /** The earliest start date of the qualifications to be enrolled; null when there are none. */
  startDate: IsoDate | null;
  /** The current placement organisation; null when the learner has none (a problem). */
  employer: EmployerPreview | null;
  /** The Main Officer; null when the learner has none (a problem). */
  assessor: AssessorPreview | null;
  /** The holder of the Qualification Second Assessor Role; null when none is set, nobody holds it, or it is the Main Officer. */
  secondAssessor: SecondAssessorPreview | null;
  qualifications: QualificationPreview[];
  plannedOtjHours: number | null;
  /** What Smart Assessor would refuse, field by field: enrolment fails, sending nothing, while any is listed. */
  problems: FieldProblem[];
  /** Not enrolled and nothing would be refused. */
  canEnrol: boolean;
}

/**
 * What enrolling the learner would send (SPEC.md §3, "Preview"), from PostgreSQL only:
 * no Smart Assessor call. Throws LearnerNotFoundError for an unknown Learner Ident.
 */
export async function enrolmentPreview(db: DataSource, learnerIdent: string, options: { now?: Date } = {}): Promise<EnrolmentPreview> {
  const settings = await readIntegrationSettings(db.manager);
  const records = await loadEnrolmentRecords(db.manager, { learnerIdent }, settings.secondAssessorRole);
  if (!records) throw new LearnerNotFoundError(learnerIdent);
  const plan = planEnrolment(records, ukToday(options.now ?? new Date()));
  const { learner } = records;
  const { employerId: _employerId, assessorId: _assessorId, ...learnerDetails } = learnerCreateBody(learner, { employerId: '', assessorId: '' }, settings);
  const smartAssessorId = presentId(learner.smartAssessorId);
  const startDates = plan.aimsToEnrol.map(({ aim }) => aim.startDate).sort();
  return {
    learnerIdent: learner.learnerIdent,
    alreadyEnrolled: smartAssessorId !== null,
    smartAssessorId,
    learner: learnerDetails,
    startDate: startDates[0] ?? null,
    employer: records.placementOrganisation ? employerPreview(records.placementOrganisation) : null,
    assessor: records.mainOfficer ? assessorPreview(records.mainOfficer) : null,
    secondAssessor: plan.secondAssessor && settings.secondAssessorRole ? { ...assessorPreview(plan.secondAssessor), role: settings.secondAssessorRole } : null,
    qualifications: records.aims.map((aim) => qualificationPreview(aim, plan)),
    plannedOtjHours: learner.plannedOtjHours,
    problems: plan.problems,
    canEnrol: smartAssessorId === null && plan.problems.length === 0,
  };
}

function employerPreview(organisation: Organisation): EmployerPreview {
  const id = presentId(organisation.additionalId);
  return { ref: organisation.ref, name: organisation.name, action: id ? 'link' : 'create', smartAssessorId: id };
}

function assessorPreview(officer: Officer): AssessorPreview {
  const id = presentId(officer.additionalId);
  return { ref: officer.ref, name: `${officer.firstName} ${officer.surname}`, email: officer.email, action: id ? 'link' : 'create', smartAssessorId: id };
}

function qualificationPreview(aim: EnrolmentAimRecord, plan: EnrolmentPlan<EnrolmentAimRecord, Officer>): QualificationPreview {
  const courseId = presentId(aim.qualification.saCourseId);
  const learnerCourseId = plan.learnerCourses.get(aim) ?? null;
  const supersededBy = plan.aimsSuperseded.find((superseded) => superseded.aim === aim)?.by.aimRef;
  return {
    aimRef: aim.aimRef,
    reference: aim.qualification.reference,
    title: aim.qualification.title,
    startDate: aim.startDate,
    plannedEndDate: aim.plannedEndDate,
    supportedInSmartAssessor: courseId !== null,
    smartAssessorCourseId: courseId,
    action: learnerCourseId ? 'enrolled' : supersededBy ? 'superseded' : courseId ? 'enrol' : 'skip',
    smartAssessorLearnerCourseId: learnerCourseId,
    ...(supersededBy ? { supersededBy } : {}),
  };
}
