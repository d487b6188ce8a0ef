import type { CompletionStatus, Gender, Outcome, SessionType } from '../../entities/enums.js';

/**
 * The shapes of `contracts/smart-assessor-api.yaml` as TypeScript types, and its enums
 * as values too (the answers' DTOs check against them). The client validates every answer
 * against DTO classes before handing back one of these.
 */

export type SaDate = string; // YYYY-MM-DD
export type SaTimestamp = string; // ISO 8601 with offset

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalItems: number;
}

export interface Site {
  siteName: string;
  apiVersion: string;
  rateLimitPerMinute: number;
}

export interface Course {
  id: string;
  qanCode: string;
  title: string;
  active: boolean;
}

export interface EmployerFields {
  name?: string;
  phone?: string | null;
  edrsNumber?: string | null;
  address1?: string | null;
  address2?: string | null;
  address3?: string | null;
  address4?: string | null;
  postcode?: string | null;
  website?: string | null;
  employerSize?: string | null;
}
export type EmployerCreate = EmployerFields & { misReference: string; name: string };
export type EmployerUpdate = EmployerFields;
export type Employer = EmployerFields & { id: string; name: string; misReference: string | null; updatedAt: SaTimestamp };

export interface AssessorFields {
  firstName?: string;
  surname?: string;
  email?: string;
  phone?: string | null;
  mobile?: string | null;
}
export type AssessorCreate = AssessorFields & { misReference: string; firstName: string; surname: string; email: string };
export type AssessorUpdate = AssessorFields;
export type Assessor = AssessorFields & {
  id: string;
  firstName: string;
  surname: string;
  email: string;
  misReference: string | null;
  updatedAt: SaTimestamp;
};

/** The contract's gender enum is the MIS's own: a learner's gender is sent and read back as held. */
export type SaGender = Gender;

export const LEARNER_STATUSES = ['Active', 'BreakInLearning', 'Completed', 'Withdrawn'] as const;
export type LearnerStatus = (typeof LEARNER_STATUSES)[number];

export interface LearnerDemographics {
  firstName?: string;
  surname?: string;
  dateOfBirth?: SaDate;
  gender?: SaGender | null;
  uln?: string | null;
  email?: string;
  address1?: string | null;
  address2?: string | null;
  address3?: string | null;
  address4?: string | null;
  postcode?: string | null;
  niNumber?: string | null;
  phone?: string | null;
  mobile?: string | null;
}

export type LearnerCreate = LearnerDemographics & {
  misReference: string;
  firstName: string;
  surname: string;
  dateOfBirth: SaDate;
  email: string;
  employerId: string;
  assessorId: string;
  studentId?: string | null;
  sendWelcomeEmail?: boolean;
};

export type LearnerUpdate = LearnerDemographics & {
  studentId?: string | null;
  employerId?: string;
  assessorId?: string;
  status?: LearnerStatus;
  statusEffectiveDate?: SaDate;
};

export const SMART_COACH_RISK_BANDS = ['Low', 'Medium', 'High'] as const;

export interface SmartCoach {
  riskScore: number;
  riskBand: (typeof SMART_COACH_RISK_BANDS)[number];
  scoredAt: SaTimestamp;
}

export type Learner = LearnerDemographics & {
  id: string;
  misReference: string | null;
  firstName: string;
  surname: string;
  dateOfBirth: SaDate;
  email: string;
  studentId?: string | null;
  employerId: string;
  assessorId: string;
  status: LearnerStatus;
  statusEffectiveDate?: SaDate | null;
  smartCoach: SmartCoach | null;
  createdAt?: SaTimestamp;
  updatedAt: SaTimestamp;
};

export const COURSE_STATUSES = ['AwaitingInduction', 'InTraining', 'BreakInLearning', 'Gateway', 'Completed', 'Withdrawn'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

export interface Progress {
  elementsTotal: number;
  elementsDone: number;
  assessedPercent: number;
  mappedPercent: number;
  timelinePercent: number;
}

export interface LearnerCourseCreate {
  courseId: string;
  misReference: string;
  startDate: SaDate;
  plannedEndDate: SaDate;
  primaryAssessorId: string;
  secondaryAssessorId?: string | null;
}

export interface LearnerCourseUpdate {
  status?: CourseStatus;
  plannedEndDate?: SaDate;
  actualEndDate?: SaDate | null;
  completionStatus?: CompletionStatus | null;
  outcome?: Outcome | null;
  primaryAssessorId?: string;
  secondaryAssessorId?: string | null;
}

export interface LearnerCourse {
  id: string;
  courseId: string;
  misReference: string | null;
  qanCode: string;
  title: string;
  startDate: SaDate;
  plannedEndDate: SaDate;
  actualEndDate: SaDate | null;
  status: CourseStatus;
  completionStatus: CompletionStatus | null;
  outcome: Outcome | null;
  primaryAssessorId: string;
  secondaryAssessorId: string | null;
  progress: Progress;
  updatedAt: SaTimestamp;
}

/** The session types, which the settings map to review types, are kept with the MIS's codes. */
export { SESSION_TYPES, type SessionType } from '../../entities/enums.js';

export const SESSION_STATUSES = ['Attended', 'NotAttended', 'Cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface Session {
  id: string;
  sessionType: SessionType;
  title: string;
  startTime: SaTimestamp;
  durationMinutes: number;
  assessorId: string | null;
  learnerCourseId: string | null;
  status: SessionStatus | null;
  planningNotes: string | null;
  feedback: string | null;
  comments: string | null;
  updatedAt: SaTimestamp;
}

export interface OtjHours {
  plannedHours: number | null;
  actualHours: number;
  updatedAt: SaTimestamp;
}

/** What a find-before-create or create gives back: the record's id, and whether this call made it. */
export interface Ensured {
  id: string;
  created: boolean;
}

/** The operations of the contract, as the rest of the product uses them. */
export interface SmartAssessorApi {
  getSite(): Promise<Site>;
  /** Every page. */
  listCourses(filter?: { qanCode?: string }): Promise<Course[]>;

  listEmployers(filter?: { misReference?: string; edrsNumber?: string; name?: string; page?: number; pageSize?: number }): Promise<Page<Employer>>;
  getEmployer(id: string): Promise<Employer>;
  /** Finds by misReference first; creates when absent; a 409 answers with the existing id. */
  ensureEmployer(body: EmployerCreate): Promise<Ensured>;
  updateEmployer(id: string, patch: EmployerUpdate): Promise<Employer>;

  listAssessors(filter?: { misReference?: string; email?: string; page?: number; pageSize?: number }): Promise<Page<Assessor>>;
  getAssessor(id: string): Promise<Assessor>;
  ensureAssessor(body: AssessorCreate): Promise<Ensured>;
  updateAssessor(id: string, patch: AssessorUpdate): Promise<Assessor>;

  listLearners(filter?: { misReference?: string; uln?: string; page?: number; pageSize?: number }): Promise<Page<Learner>>;
  getLearner(id: string): Promise<Learner>;
  ensureLearner(body: LearnerCreate): Promise<Ensured>;
  updateLearner(id: string, patch: LearnerUpdate): Promise<Learner>;

  listLearnerCourses(learnerId: string): Promise<LearnerCourse[]>;
  /** Finds by the course's misReference among the learner's courses first; a 409 answers with the existing id. */
  ensureLearnerCourse(learnerId: string, body: LearnerCourseCreate): Promise<Ensured>;
  updateLearnerCourse(learnerId: string, learnerCourseId: string, patch: LearnerCourseUpdate): Promise<LearnerCourse>;

  /** Every page. */
  listLearnerSessions(learnerId: string, filter?: { updatedSince?: string }): Promise<Session[]>;

  getLearnerOtj(learnerId: string): Promise<OtjHours>;
  setLearnerPlannedOtj(learnerId: string, plannedHours: number): Promise<OtjHours>;
}
