import { GENDERS } from '../../entities/enums.js';
import type { FieldProblem } from '../failure-kinds.js';
import type { AssessorFields, EmployerFields, LearnerDemographics } from '../smart-assessor/types.js';
import { isCalendarDate, type IsoDate } from './dates.js';
import { isBlank, normalise } from './normalise.js';
import { aimRecord, learnerRecord, officerRecord, organisationRecord, type PicsLearner, type PicsOfficer, type PicsOrganisation } from './records.js';

/**
 * SPEC.md §4: before anything is sent, PICS data is validated; invalid data fails the job
 * without retry, naming the record, the field and the reason. Each check answers the
 * reason a value is wrong (worded to follow the field's name: `uln must be 10 digits`),
 * or null when it is fine. A reason never quotes the value or any part of it: it goes to
 * logs and to the queues, where personal data must not (the value itself travels beside
 * it, in FieldProblem.value, only as far as PostgreSQL).
 */

/** ULN: 10 digits, not starting with 0, with the LRS mod-11 check digit (weights 10..2 over the first nine). */
export function ulnProblem(value: string): string | null {
  if (!/^\d{10}$/.test(value)) return 'must be 10 digits';
  if (value.startsWith('0')) return 'must not start with 0';
  const digits = [...value].map(Number);
  const remainder = digits.slice(0, 9).reduce((sum, digit, index) => sum + digit * (10 - index), 0) % 11;
  // A remainder of 0 would need a check digit of 10, so the LRS never issues such a number.
  if (remainder === 0) return 'is not a ULN: no check digit fits its first nine digits (mod 11)';
  if (digits[9] !== 10 - remainder) return 'fails the ULN check digit (mod 11)';
  return null;
}

const NI_NEVER_ISSUED_PREFIXES = ['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'];

/** National Insurance number in the ILR format: two prefix letters, six digits, suffix A–D (any letter case). */
export function niNumberProblem(value: string): string | null {
  const ni = value.trim().toUpperCase();
  if (!/^[A-Z]{2}\d{6}[A-D]$/.test(ni)) return 'is not in the ILR format: two letters, six digits, then A, B, C or D';
  if ('DFIQUV'.includes(ni[0])) return 'starts with a letter never used first (D, F, I, Q, U or V)';
  if ('DFIOQUV'.includes(ni[1])) return 'has a second letter never used there (D, F, I, O, Q, U or V)';
  if (NI_NEVER_ISSUED_PREFIXES.includes(ni.slice(0, 2))) return `has a prefix that is never issued (${NI_NEVER_ISSUED_PREFIXES.join(', ')})`;
  return null;
}

/** UK postcode shape: outward A9, A99, A9A, AA9, AA99 or AA9A, then inward 9AA; or GIR 0AA. Spacing and case are free. */
export function postcodeProblem(value: string): string | null {
  const postcode = normalise('postcode', value) ?? '';
  return /^(?:[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|GIR 0AA)$/.test(postcode) ? null : 'is not a UK postcode (e.g. "LS1 4AP")';
}

// ajv-formats' "email" (full mode): what Smart Assessor's contract (format: email) is checked
// with, so an address that passes here is not refused there.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** An email address as it would be sent: no surrounding spaces, one @, a dotted domain. */
export function emailProblem(value: string): string | null {
  return EMAIL.test(value) ? null : 'is not a valid email address';
}

/** A real calendar date written YYYY-MM-DD. */
export function dateProblem(value: string): string | null {
  return isCalendarDate(value) ? null : 'is not a real date in the form YYYY-MM-DD';
}

/** A real date before `today`. */
export function dateOfBirthProblem(value: string, today: IsoDate): string | null {
  return dateProblem(value) ?? (value < today ? null : `must be in the past (today is ${today})`);
}

interface FieldRule {
  /** Smart Assessor needs a value (the contract's required properties and minLength 1). */
  required?: boolean;
  /** The contract's maxLength, counted in characters as JSON Schema counts them. */
  maxLength?: number;
  check?: (value: string) => string | null;
}

function checkFields(record: string, values: object, rules: Record<string, FieldRule>, fields?: readonly string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    if (fields && !fields.includes(field)) continue;
    const value: unknown = (values as Record<string, unknown>)[field];
    if (isBlank(value)) {
      if (rule.required) problems.push({ record, field, reason: 'is missing; Smart Assessor requires it' });
      continue;
    }
    const text = String(value);
    const reason = rule.maxLength !== undefined && [...text].length > rule.maxLength ? `is longer than the ${rule.maxLength} characters Smart Assessor allows` : rule.check?.(text);
    if (reason) problems.push({ record, field, value, reason });
  }
  return problems;
}

/** Each field's rule, one table per record, complete for the contract's fields (the same names as the MIS's). */
const ADDRESS_RULES: Record<'address1' | 'address2' | 'address3' | 'address4', FieldRule> = {
  address1: { maxLength: 100 },
  address2: { maxLength: 100 },
  address3: { maxLength: 100 },
  address4: { maxLength: 100 },
};

function learnerRules(today: IsoDate): Record<keyof LearnerDemographics, FieldRule> {
  return {
    firstName: { required: true, maxLength: 100 },
    surname: { required: true, maxLength: 100 },
    dateOfBirth: { required: true, check: (value) => dateOfBirthProblem(value, today) },
    email: { required: true, maxLength: 200, check: emailProblem },
    uln: { check: ulnProblem },
    gender: { check: (value) => ((GENDERS as readonly string[]).includes(value) ? null : `is not one of ${GENDERS.join(', ')}`) },
    ...ADDRESS_RULES,
    postcode: { maxLength: 10, check: postcodeProblem },
    niNumber: { maxLength: 9, check: niNumberProblem },
    phone: { maxLength: 50 },
    mobile: { maxLength: 50 },
  };
}

const OFFICER_RULES: Record<keyof AssessorFields, FieldRule> = {
  firstName: { required: true, maxLength: 100 },
  surname: { required: true, maxLength: 100 },
  email: { required: true, maxLength: 200, check: emailProblem },
  phone: { maxLength: 50 },
  mobile: { maxLength: 50 },
};

const ORGANISATION_RULES: Record<keyof EmployerFields, FieldRule> = {
  name: { required: true, maxLength: 200 },
  phone: { maxLength: 50 },
  edrsNumber: { maxLength: 20 },
  ...ADDRESS_RULES,
  postcode: { maxLength: 10, check: postcodeProblem },
  website: { maxLength: 200 },
  employerSize: { maxLength: 50 },
};

export interface ValidationScope {
  /**
   * Only these fields (e.g. the keys of the PATCH about to be sent); every field
   * Smart Assessor would receive when absent.
   */
  fields?: readonly string[];
}

export interface LearnerValidationOptions extends ValidationScope {
  /** The UK date today, for "date of birth in the past" (see `ukToday`). */
  today: IsoDate;
}

/**
 * The learner's fields as Smart Assessor would receive them: names 1–100, a real date of
 * birth in the past, email (≤ 200), ULN, gender, address lines ≤ 100, postcode ≤ 10,
 * NI number ≤ 9, phone and mobile ≤ 50. First name, surname, date of birth and email are
 * required (the contract's LearnerCreate); a blank optional field is not sent, so not checked.
 */
export function validateLearnerForSmartAssessor(learner: PicsLearner, options: LearnerValidationOptions): FieldProblem[] {
  return checkFields(learnerRecord(learner.learnerIdent), learner, learnerRules(options.today), options.fields);
}

/** The officer's fields as an SA assessor: first name, surname (1–100) and email (≤ 200) required; phone, mobile ≤ 50. */
export function validateOfficerForSmartAssessor(officer: PicsOfficer, options: ValidationScope = {}): FieldProblem[] {
  return checkFields(officerRecord(officer.ref), officer, OFFICER_RULES, options.fields);
}

/** The organisation's fields as an SA employer: name (1–200) required; the rest within the contract's lengths; a UK postcode. */
export function validateOrganisationForSmartAssessor(organisation: PicsOrganisation, options: ValidationScope = {}): FieldProblem[] {
  return checkFields(organisationRecord(organisation.ref), organisation, ORGANISATION_RULES, options.fields);
}

/** An aim to be enrolled on its SA course. */
export interface EnrolmentAim {
  aimRef: string;
  startDate?: IsoDate | null;
  plannedEndDate?: IsoDate | null;
}

export interface EnrolmentCandidate {
  learner: PicsLearner & { plannedOtjHours?: number | null };
  /** The learner's current placement organisation: their SA employer. */
  placementOrganisation: PicsOrganisation | null | undefined;
  /** The learner's Main Officer: their SA assessor. */
  mainOfficer: PicsOfficer | null | undefined;
  /** The officer holding the Qualification Second Assessor Role on the learner, when that role is set and held. */
  secondAssessor?: PicsOfficer | null;
  /** The aims that will be enrolled: those whose qualification has an SA course id. */
  aims?: readonly EnrolmentAim[];
}

const MAX_PLANNED_OTJ_HOURS = 9999;

/**
 * Everything enrolment (SPEC.md §3) would send, checked before any of it is: the learner
 * (as `validateLearnerForSmartAssessor`), a placement organisation and a Main Officer
 * (missing ones are reported on the learner), the organisation and officers that will be
 * created (those without an Additional ID: a linked one is not sent, so not checked),
 * each aim's start and planned end dates, and planned OTJ hours (a whole number 0–9999).
 */
export function validateEnrolment(candidate: EnrolmentCandidate, options: { today: IsoDate }): FieldProblem[] {
  const { learner, placementOrganisation, mainOfficer, secondAssessor } = candidate;
  const record = learnerRecord(learner.learnerIdent);
  const problems = validateLearnerForSmartAssessor(learner, { today: options.today });

  if (!placementOrganisation) {
    problems.push({ record, field: 'placementOrganisation', reason: 'is missing; the placement organisation becomes the Smart Assessor employer' });
  } else if (isBlank(placementOrganisation.additionalId)) {
    problems.push(...validateOrganisationForSmartAssessor(placementOrganisation));
  }

  if (!mainOfficer) {
    problems.push({ record, field: 'mainOfficer', reason: 'is missing; the Main Officer becomes the Smart Assessor assessor' });
  } else if (isBlank(mainOfficer.additionalId)) {
    problems.push(...validateOfficerForSmartAssessor(mainOfficer));
  }

  if (secondAssessor && secondAssessor.ref !== mainOfficer?.ref && isBlank(secondAssessor.additionalId)) {
    problems.push(...validateOfficerForSmartAssessor(secondAssessor));
  }

  for (const aim of candidate.aims ?? []) problems.push(...validateEnrolmentAim(aim));

  const hours = learner.plannedOtjHours;
  const otjProblem = hours === null || hours === undefined ? null : plannedOtjHoursProblem(hours);
  if (otjProblem) problems.push({ record, field: 'plannedOtjHours', value: hours, reason: otjProblem });
  return problems;
}

/** Planned OTJ hours as Smart Assessor takes them (enrolment, and the daily push): why they would be refused, or null. */
export function plannedOtjHoursProblem(hours: number): string | null {
  return Number.isInteger(hours) && hours >= 0 && hours <= MAX_PLANNED_OTJ_HOURS ? null : `must be a whole number from 0 to ${MAX_PLANNED_OTJ_HOURS}`;
}

function validateEnrolmentAim(aim: EnrolmentAim): FieldProblem[] {
  const record = aimRecord(aim.aimRef);
  const problems = checkFields(record, aim, { startDate: { required: true, check: dateProblem }, plannedEndDate: { required: true, check: dateProblem } });
  const { startDate, plannedEndDate } = aim;
  if (problems.length === 0 && startDate && plannedEndDate && plannedEndDate < startDate) {
    problems.push({ record, field: 'plannedEndDate', value: plannedEndDate, reason: `is before the start date ${startDate}` });
  }
  return problems;
}
