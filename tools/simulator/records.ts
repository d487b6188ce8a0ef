import type { Assessor, Course, Employer, Learner, LearnerCourse, Session, SmartCoach } from '../../src/smart-assessor/types.js';

/**
 * The simulator's records: the contract's schemas (src/smart-assessor/types.ts) with every
 * field held, null when blank. Timestamps are kept as epoch milliseconds and rendered to
 * ISO text on the way out, and records hold the caller's strings as given, so that a
 * hundred thousand seeded learners stay small in memory.
 */

/** `T` with epoch milliseconds in place of its timestamps `K`. */
type Stamped<T, K extends keyof T> = Omit<T, K> & Record<K, number>;

export type CourseRecord = Course & {
  /** Criteria on the course; a learner course starts with this many to do. */
  elementsTotal: number;
};

export type EmployerRecord = Stamped<Required<Employer>, 'updatedAt'>;

export type AssessorRecord = Stamped<Required<Assessor>, 'updatedAt'>;

export type SmartCoachRecord = Stamped<SmartCoach, 'scoredAt'>;

/** The course itself in place of its id, code and title; progress as the two counts it is worked out from. */
export type LearnerCourseRecord = Stamped<Omit<LearnerCourse, 'courseId' | 'qanCode' | 'title' | 'progress'>, 'updatedAt'> & {
  course: CourseRecord;
  elementsTotal: number;
  elementsDone: number;
};

export type SessionRecord = Stamped<Session, 'startTime' | 'updatedAt'>;

export type LearnerRecord = Stamped<Required<Omit<Learner, 'smartCoach'>>, 'createdAt' | 'updatedAt'> & {
  smartCoach: SmartCoachRecord | null;
  welcomeEmailSent: boolean;
  plannedOtjHours: number | null;
  actualOtjHours: number;
  otjUpdatedAt: number;
  courses: LearnerCourseRecord[];
  sessions: SessionRecord[];
};
