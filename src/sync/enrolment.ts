import type { AssessorCreate, EmployerCreate, LearnerCourseCreate, LearnerCreate } from '../smart-assessor/types.js';
import type { IsoDate } from './dates.js';
import { LEARNER_DEMOGRAPHIC_FIELDS, OFFICER_DEMOGRAPHIC_FIELDS, ORGANISATION_DEMOGRAPHIC_FIELDS } from './demographics.js';
import { isBlank } from './normalise.js';
import type { PicsLearner, PicsOfficer, PicsOrganisation } from './records.js';

/**
 * SPEC.md §3: the bodies enrolment sends, built from the MIS records as held. Blank
 * optional fields are left out rather than sent as null, so nothing in SA is cleared.
 * Validate first (`validateEnrolment`): these builders assume the required fields are there.
 */

function present<T extends object, K extends keyof T & string>(source: T, fields: readonly K[]): Partial<Record<K, string>> {
  const body: Partial<Record<K, string>> = {};
  for (const field of fields) {
    const value = source[field];
    if (!isBlank(value)) body[field] = String(value);
  }
  return body;
}

const text = (value: string | null | undefined): string => value ?? '';

/** The fields of a record's compared-fields table besides those a create body sets itself. */
function optionalFields<K extends string, R extends K>(fields: Record<K, unknown>, required: readonly R[]): Array<Exclude<K, R>> {
  return (Object.keys(fields) as K[]).filter((field): field is Exclude<K, R> => !(required as readonly K[]).includes(field));
}

const EMPLOYER_OPTIONAL_FIELDS = optionalFields(ORGANISATION_DEMOGRAPHIC_FIELDS, ['name']);
const ASSESSOR_OPTIONAL_FIELDS = optionalFields(OFFICER_DEMOGRAPHIC_FIELDS, ['firstName', 'surname', 'email']);
/** Gender has a setting of its own. */
const LEARNER_OPTIONAL_FIELDS = ['uln', ...optionalFields(LEARNER_DEMOGRAPHIC_FIELDS, ['firstName', 'surname', 'dateOfBirth', 'email'])] as const;

/** A new SA employer from the placement organisation; `misReference` is the organisation's ref. */
export function employerCreateBody(organisation: PicsOrganisation): EmployerCreate {
  return {
    misReference: organisation.ref,
    name: text(organisation.name),
    ...present(organisation, EMPLOYER_OPTIONAL_FIELDS),
  };
}

/** A new SA assessor from an officer; `misReference` is the officer's ref. */
export function assessorCreateBody(officer: PicsOfficer): AssessorCreate {
  return {
    misReference: officer.ref,
    firstName: text(officer.firstName),
    surname: text(officer.surname),
    email: text(officer.email),
    ...present(officer, ASSESSOR_OPTIONAL_FIELDS),
  };
}

export interface LearnerEnrolmentSettings {
  sendLearnerWelcomeEmail: boolean;
  setStudentIdToLrn: boolean;
  updateLearnerGender: boolean;
}

/**
 * The SA learner: Learner Ident as `misReference`, the demographics, the SA employer and
 * assessor; `studentId` = LRN only when Set Student ID to LRN is on, gender only when
 * Update Learner Gender is on, `sendWelcomeEmail` from its setting.
 */
export function learnerCreateBody(learner: PicsLearner, links: { employerId: string; assessorId: string }, settings: LearnerEnrolmentSettings): LearnerCreate {
  const body: LearnerCreate = {
    misReference: learner.learnerIdent,
    firstName: text(learner.firstName),
    surname: text(learner.surname),
    dateOfBirth: text(learner.dateOfBirth),
    email: text(learner.email),
    ...present(learner, LEARNER_OPTIONAL_FIELDS),
    employerId: links.employerId,
    assessorId: links.assessorId,
    sendWelcomeEmail: settings.sendLearnerWelcomeEmail,
  };
  if (settings.setStudentIdToLrn && !isBlank(learner.lrn)) body.studentId = learner.lrn;
  if (settings.updateLearnerGender && learner.gender) body.gender = learner.gender;
  return body;
}

/** An aim's enrolment on its SA course; the aim's ref is the learner course's `misReference`. */
export function learnerCourseCreateBody(
  aim: { aimRef: string; startDate: IsoDate; plannedEndDate: IsoDate },
  links: { courseId: string; primaryAssessorId: string; secondaryAssessorId?: string | null },
): LearnerCourseCreate {
  const body: LearnerCourseCreate = {
    courseId: links.courseId,
    misReference: aim.aimRef,
    startDate: aim.startDate,
    plannedEndDate: aim.plannedEndDate,
    primaryAssessorId: links.primaryAssessorId,
  };
  if (!isBlank(links.secondaryAssessorId)) body.secondaryAssessorId = links.secondaryAssessorId;
  return body;
}
