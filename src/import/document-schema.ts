import 'reflect-metadata';
import { IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { ATTENDED_STATUSES, COMPLETION_STATUSES, GENDERS, OUTCOMES, SYSTEM_STATUSES } from '../../entities/enums.js';
import { isCalendarDate } from '../sync/dates.js';
import { isPlainObject } from './problems.js';

/**
 * The structure of each import record, with the column sizes of entities/. Only types,
 * formats, codes and lengths are checked here; whether a ULN's check digit, an NI
 * number or a postcode is right is not: real MIS data carries such mistakes, and they
 * are reported per learner by the enrolment preview and refused when they would be sent.
 */

const isPresent = (_: object, value: unknown) => value !== undefined;

function decorate(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => {
    for (const decorator of decorators) decorator(target, property);
  };
}

/** Not null, not blank, at most `max` characters. */
function RequiredText(max: number): PropertyDecorator {
  return decorate(
    IsDefined({ message: 'is required' }),
    IsString({ message: 'must be a string' }),
    Matches(/\S/, { message: 'must not be blank' }),
    MaxLength(max, { message: `must be at most ${max} characters` }),
  );
}

/** Null, absent or a string of at most `max` characters. */
function OptionalText(max: number): PropertyDecorator {
  return decorate(IsOptional(), IsString({ message: 'must be a string or null' }), MaxLength(max, { message: `must be at most ${max} characters` }));
}

const IsCalendarDate = () => ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => 'must be a real date YYYY-MM-DD' } });

function RequiredDate(): PropertyDecorator {
  return decorate(IsDefined({ message: 'is required (a date YYYY-MM-DD)' }), IsCalendarDate());
}

function OptionalDate(): PropertyDecorator {
  return decorate(IsOptional(), IsCalendarDate());
}

function oneOf(values: readonly unknown[]): string {
  return `must be one of ${values.join(', ')}`;
}

/** An array of nested records; which class they are is said once, in `NESTED_RECORDS`. */
function NestedList(): PropertyDecorator {
  return decorate(ValidateIf(isPresent), IsArray({ message: 'must be an array' }), ValidateNested({ each: true, message: 'must be an object' }));
}

/**
 * Review notes are prose (the demo's run to 60 characters, a long review write-up to a
 * few thousand); the bound keeps one field from carrying megabytes into every page and job.
 */
export const REVIEW_NOTES_MAX = 10_000;

export class ReviewTypeRecord {
  @RequiredText(32) code: string;
  @RequiredText(200) name: string;
}

export class QualificationRecord {
  @RequiredText(64) reference: string;
  @RequiredText(300) title: string;
}

export class OrganisationRecord {
  @RequiredText(64) ref: string;
  @RequiredText(200) name: string;
  @OptionalText(50) phone?: string | null;
  @OptionalText(20) edrsNumber?: string | null;
  @OptionalText(100) address1?: string | null;
  @OptionalText(100) address2?: string | null;
  @OptionalText(100) address3?: string | null;
  @OptionalText(100) address4?: string | null;
  @OptionalText(10) postcode?: string | null;
  @OptionalText(200) website?: string | null;
  @OptionalText(50) employerSize?: string | null;
  @OptionalText(64) additionalId?: string | null;
}

export class OfficerRecord {
  @RequiredText(64) ref: string;
  @RequiredText(100) firstName: string;
  @RequiredText(100) surname: string;
  @RequiredText(200) email: string;
  @OptionalText(50) phone?: string | null;
  @OptionalText(50) mobile?: string | null;
  @OptionalText(64) additionalId?: string | null;
}

export class OfficerRoleRecord {
  @RequiredText(64) role: string;
  @RequiredText(64) officerRef: string;
}

export class LearningAimRecord {
  @RequiredText(64) aimRef: string;
  @RequiredText(64) reference: string;
  @RequiredDate() startDate: string;
  @RequiredDate() plannedEndDate: string;
  @OptionalDate() actualEndDate?: string | null;

  @IsDefined({ message: `is required (${COMPLETION_STATUSES.join(', ')})` })
  @IsIn(COMPLETION_STATUSES, { message: oneOf(COMPLETION_STATUSES) })
  completionStatus: number;

  @IsOptional()
  @IsIn(OUTCOMES, { message: `${oneOf(OUTCOMES)} or null` })
  outcome?: number | null;

  @OptionalText(64) restartOf?: string | null;
}

export class ReviewRecord {
  @RequiredText(64) reviewIdent: string;
  @RequiredText(32) reviewType: string;
  @OptionalDate() plannedDate?: string | null;
  @OptionalDate() actualDate?: string | null;
  @OptionalText(64) officerRef?: string | null;

  @ValidateIf(isPresent)
  @IsIn(ATTENDED_STATUSES, { message: oneOf(ATTENDED_STATUSES) })
  attendedStatus?: string;

  @OptionalText(REVIEW_NOTES_MAX) notes?: string | null;
  @OptionalText(64) smartAssessorSystemId?: string | null;
}

export class BreakInLearningRecord {
  @RequiredDate() lastDayInLearning: string;
  @OptionalDate() returnDate?: string | null;
}

export class LearnerRecord {
  @RequiredText(64) learnerIdent: string;
  @OptionalText(20) lrn?: string | null;
  @RequiredText(100) firstName: string;
  @RequiredText(100) surname: string;
  @OptionalDate() dateOfBirth?: string | null;

  @IsOptional()
  @IsIn(GENDERS, { message: `${oneOf(GENDERS)} or null` })
  gender?: string | null;

  @OptionalText(10) uln?: string | null;
  @OptionalText(200) email?: string | null;
  @OptionalText(100) address1?: string | null;
  @OptionalText(100) address2?: string | null;
  @OptionalText(100) address3?: string | null;
  @OptionalText(100) address4?: string | null;
  @OptionalText(10) postcode?: string | null;
  @OptionalText(9) niNumber?: string | null;
  @OptionalText(50) phone?: string | null;
  @OptionalText(50) mobile?: string | null;

  @ValidateIf(isPresent)
  @IsIn(SYSTEM_STATUSES, { message: oneOf(SYSTEM_STATUSES) })
  systemStatus?: string;

  @OptionalText(64) placementOrganisationRef?: string | null;
  @OptionalText(64) mainOfficerRef?: string | null;
  @NestedList() officerRoles?: OfficerRoleRecord[];

  @IsOptional()
  @IsInt({ message: 'must be a whole number of hours or null' })
  @Min(0, { message: 'must not be negative' })
  @Max(2_147_483_647, { message: 'is too large' })
  plannedOtjHours?: number | null;

  @OptionalText(64) smartAssessorId?: string | null;
  @NestedList() qualifications?: LearningAimRecord[];
  @NestedList() reviews?: ReviewRecord[];
  @NestedList() breaksInLearning?: BreakInLearningRecord[];
}

type RecordClass = new () => object;

const NESTED_RECORDS = new Map<RecordClass, Record<string, RecordClass>>([
  [LearnerRecord, { officerRoles: OfficerRoleRecord, qualifications: LearningAimRecord, reviews: ReviewRecord, breaksInLearning: BreakInLearningRecord }],
]);

/**
 * A shallow copy of `plain` given the record class's prototype (and its nested records
 * theirs), which is all class-validator needs. class-transformer's deep copy of every
 * value cost more than the validation itself on a document of 100,000 learners.
 */
export function asRecord<T extends object>(schema: new () => T, plain: Record<string, unknown>): T {
  const record: Record<string, unknown> = Object.create(schema.prototype);
  for (const key of Object.keys(plain)) {
    // A key such as `__proto__` must stay a property, to be refused as an unknown field.
    if (key === '__proto__') Object.defineProperty(record, key, { value: plain[key], enumerable: true, writable: true, configurable: true });
    else record[key] = plain[key];
  }
  for (const [field, nested] of Object.entries(NESTED_RECORDS.get(schema) ?? {})) {
    const list = plain[field];
    if (Array.isArray(list)) record[field] = list.map((item: unknown) => (isPlainObject(item) ? asRecord(nested, item) : item));
  }
  return record as T;
}

/** Each section of the document and the class its records are checked against. */
export const SECTION_RECORDS = {
  reviewTypes: { schema: ReviewTypeRecord, noun: 'a review type' },
  qualifications: { schema: QualificationRecord, noun: 'a qualification' },
  organisations: { schema: OrganisationRecord, noun: 'an organisation' },
  officers: { schema: OfficerRecord, noun: 'an officer' },
  learners: { schema: LearnerRecord, noun: 'a learner' },
} as const;
export type RecordSection = keyof typeof SECTION_RECORDS;
