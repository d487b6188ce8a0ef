import type { Assessor, Course, Employer, Learner, LearnerCourse, OtjHours, Session } from '../../src/smart-assessor/types.js';
import type { AssessorRecord, CourseRecord, EmployerRecord, LearnerCourseRecord, LearnerRecord, SessionRecord } from './records.js';

/** Records as the contract's schemas show them. */

const iso = (ms: number): string => new Date(ms).toISOString();

export function renderCourse(course: CourseRecord): Course {
  return { id: course.id, qanCode: course.qanCode, title: course.title, active: course.active };
}

export function renderEmployer(employer: EmployerRecord): Employer {
  return {
    id: employer.id,
    misReference: employer.misReference,
    name: employer.name,
    phone: employer.phone,
    edrsNumber: employer.edrsNumber,
    address1: employer.address1,
    address2: employer.address2,
    address3: employer.address3,
    address4: employer.address4,
    postcode: employer.postcode,
    website: employer.website,
    employerSize: employer.employerSize,
    updatedAt: iso(employer.updatedAt),
  };
}

export function renderAssessor(assessor: AssessorRecord): Assessor {
  return {
    id: assessor.id,
    misReference: assessor.misReference,
    firstName: assessor.firstName,
    surname: assessor.surname,
    email: assessor.email,
    phone: assessor.phone,
    mobile: assessor.mobile,
    updatedAt: iso(assessor.updatedAt),
  };
}

export function renderLearner(learner: LearnerRecord): Learner {
  return {
    id: learner.id,
    misReference: learner.misReference,
    studentId: learner.studentId,
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
    employerId: learner.employerId,
    assessorId: learner.assessorId,
    status: learner.status,
    statusEffectiveDate: learner.statusEffectiveDate,
    smartCoach: learner.smartCoach ? { riskScore: learner.smartCoach.riskScore, riskBand: learner.smartCoach.riskBand, scoredAt: iso(learner.smartCoach.scoredAt) } : null,
    createdAt: iso(learner.createdAt),
    updatedAt: iso(learner.updatedAt),
  };
}

export function renderLearnerCourse(course: LearnerCourseRecord, today: string): LearnerCourse {
  const assessedPercent = percent(course.elementsDone, course.elementsTotal);
  return {
    id: course.id,
    courseId: course.course.id,
    misReference: course.misReference,
    qanCode: course.course.qanCode,
    title: course.course.title,
    startDate: course.startDate,
    plannedEndDate: course.plannedEndDate,
    actualEndDate: course.actualEndDate,
    status: course.status,
    completionStatus: course.completionStatus,
    outcome: course.outcome,
    primaryAssessorId: course.primaryAssessorId,
    secondaryAssessorId: course.secondaryAssessorId,
    progress: {
      elementsTotal: course.elementsTotal,
      elementsDone: course.elementsDone,
      assessedPercent,
      // Evidence is mapped to criteria ahead of their sign-off.
      mappedPercent: course.elementsDone === 0 ? 0 : Math.min(100, round1(assessedPercent + 10)),
      timelinePercent: timelinePercent(course.startDate, course.actualEndDate ?? course.plannedEndDate, today),
    },
    updatedAt: iso(course.updatedAt),
  };
}

export function renderSession(session: SessionRecord): Session {
  return {
    id: session.id,
    sessionType: session.sessionType,
    title: session.title,
    startTime: iso(session.startTime),
    durationMinutes: session.durationMinutes,
    assessorId: session.assessorId,
    learnerCourseId: session.learnerCourseId,
    status: session.status,
    planningNotes: session.planningNotes,
    feedback: session.feedback,
    comments: session.comments,
    updatedAt: iso(session.updatedAt),
  };
}

export function renderOtj(learner: LearnerRecord): OtjHours {
  return { plannedHours: learner.plannedOtjHours, actualHours: learner.actualOtjHours, updatedAt: iso(learner.otjUpdatedAt) };
}

function percent(part: number, whole: number): number {
  return whole <= 0 ? 0 : Math.min(100, round1((part / whole) * 100));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function timelinePercent(start: string, end: string, today: string): number {
  const from = Date.parse(start);
  const to = Date.parse(end);
  const now = Date.parse(today);
  if (!(to > from)) return now >= to ? 100 : 0;
  return Math.max(0, Math.min(100, round1(((now - from) / (to - from)) * 100)));
}
