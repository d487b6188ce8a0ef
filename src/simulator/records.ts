import type { CourseStatus, LearnerStatus, SaGender, SessionType } from '../smart-assessor/types.js';

/**
 * The simulator's records. Timestamps are kept as epoch milliseconds and rendered to
 * ISO text on the way out, and records hold the caller's strings as given, so that a
 * hundred thousand seeded learners stay small in memory.
 */

export interface CourseRecord {
  id: string;
  qanCode: string;
  title: string;
  active: boolean;
  /** Criteria on the course; a learner course starts with this many to do. */
  elementsTotal: number;
}

export interface EmployerRecord {
  id: string;
  misReference: string | null;
  name: string;
  phone: string | null;
  edrsNumber: string | null;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  postcode: string | null;
  website: string | null;
  employerSize: string | null;
  updatedAt: number;
}

export interface AssessorRecord {
  id: string;
  misReference: string | null;
  firstName: string;
  surname: string;
  email: string;
  phone: string | null;
  mobile: string | null;
  updatedAt: number;
}

export interface SmartCoachRecord {
  riskScore: number;
  riskBand: 'Low' | 'Medium' | 'High';
  scoredAt: number;
}

export interface LearnerCourseRecord {
  id: string;
  course: CourseRecord;
  misReference: string | null;
  startDate: string;
  plannedEndDate: string;
  actualEndDate: string | null;
  status: CourseStatus;
  completionStatus: 1 | 2 | 3 | 6 | null;
  outcome: 1 | 2 | 3 | 8 | null;
  primaryAssessorId: string;
  secondaryAssessorId: string | null;
  elementsTotal: number;
  elementsDone: number;
  updatedAt: number;
}

export interface SessionRecord {
  id: string;
  sessionType: SessionType;
  title: string;
  startTime: number;
  durationMinutes: number;
  assessorId: string | null;
  learnerCourseId: string | null;
  status: 'Attended' | 'NotAttended' | 'Cancelled' | null;
  planningNotes: string | null;
  feedback: string | null;
  comments: string | null;
  updatedAt: number;
}

export interface LearnerRecord {
  id: string;
  misReference: string | null;
  studentId: string | null;
  firstName: string;
  surname: string;
  dateOfBirth: string;
  gender: SaGender | null;
  uln: string | null;
  email: string;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  postcode: string | null;
  niNumber: string | null;
  phone: string | null;
  mobile: string | null;
  employerId: string;
  assessorId: string;
  status: LearnerStatus;
  statusEffectiveDate: string | null;
  smartCoach: SmartCoachRecord | null;
  welcomeEmailSent: boolean;
  plannedOtjHours: number | null;
  actualOtjHours: number;
  otjUpdatedAt: number;
  courses: LearnerCourseRecord[];
  sessions: SessionRecord[];
  createdAt: number;
  updatedAt: number;
}
