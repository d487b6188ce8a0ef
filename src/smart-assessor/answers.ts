import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsRFC3339,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { COMPLETION_STATUSES, GENDERS, OUTCOMES } from '../../entities/enums.js';
import { SmartAssessorError } from './smart-assessor-error.js';
import { cacheValidationRules } from './rules-cache.js';
import { COURSE_STATUSES, LEARNER_STATUSES, SESSION_STATUSES, SESSION_TYPES, SMART_COACH_RISK_BANDS } from './types.js';

cacheValidationRules();

/**
 * The answers of the contract as class-validator DTOs, one per schema, so that the
 * client hands on only answers it has checked whole. Extra properties are allowed (the
 * contract does not forbid them). Email addresses in answers are checked as text only:
 * class-validator's e-mail rule is stricter than the contract's `format: email`, and a
 * learner must not become unreadable over an address the contract accepts.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A property the schema requires but allows to be null. */
function RequiredNullable(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_, value) => value !== null)(target, key);
    IsDefined({ message: '$property is required (it may be null)' })(target, key);
  };
}

/** A property the schema allows to be absent but not null. */
function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined);
}

function IsSaDate(): PropertyDecorator {
  return (target, key) => {
    Matches(DATE, { message: '$property must be a date as YYYY-MM-DD' })(target, key);
    IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })(target, key);
  };
}

function IsTimestamp(): PropertyDecorator {
  return IsRFC3339({ message: '$property must be an ISO 8601 timestamp with offset' });
}

export class TokenAnswer {
  @IsString() accessToken: string;
  @Equals('Bearer') tokenType: string;
  @IsInt() @Min(1) expiresIn: number;
}

export class SiteAnswer {
  @IsString() siteName: string;
  @IsString() apiVersion: string;
  @IsInt() @Min(1) rateLimitPerMinute: number;
}

export class CourseAnswer {
  @IsString() id: string;
  @IsString() qanCode: string;
  @IsString() title: string;
  @IsBoolean() active: boolean;
}

export class EmployerAnswer {
  @IsString() id: string;
  @IsString() @MinLength(1) @MaxLength(200) name: string;
  @RequiredNullable() @IsString() misReference: string | null;
  @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(20) edrsNumber?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address1?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address2?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address3?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address4?: string | null;
  @IsOptional() @IsString() @MaxLength(10) postcode?: string | null;
  @IsOptional() @IsString() @MaxLength(200) website?: string | null;
  @IsOptional() @IsString() @MaxLength(50) employerSize?: string | null;
  @IsTimestamp() updatedAt: string;
}

export class AssessorAnswer {
  @IsString() id: string;
  @IsString() @MinLength(1) @MaxLength(100) firstName: string;
  @IsString() @MinLength(1) @MaxLength(100) surname: string;
  @IsString() @MaxLength(200) email: string;
  @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(50) mobile?: string | null;
  @RequiredNullable() @IsString() misReference: string | null;
  @IsTimestamp() updatedAt: string;
}

export class SmartCoachAnswer {
  @IsNumber() @Min(0) @Max(1) riskScore: number;
  @IsIn(SMART_COACH_RISK_BANDS) riskBand: string;
  @IsTimestamp() scoredAt: string;
}

export class LearnerAnswer {
  @IsString() id: string;
  @RequiredNullable() @IsString() misReference: string | null;
  @IsString() @MinLength(1) @MaxLength(100) firstName: string;
  @IsString() @MinLength(1) @MaxLength(100) surname: string;
  @IsSaDate() dateOfBirth: string;
  @IsOptional() @IsIn(GENDERS) gender?: string | null;
  @IsOptional() @Matches(/^[1-9][0-9]{9}$/, { message: 'uln must be 10 digits' }) uln?: string | null;
  @IsString() @MaxLength(200) email: string;
  @IsOptional() @IsString() @MaxLength(100) address1?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address2?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address3?: string | null;
  @IsOptional() @IsString() @MaxLength(100) address4?: string | null;
  @IsOptional() @IsString() @MaxLength(10) postcode?: string | null;
  @IsOptional() @IsString() @MaxLength(9) niNumber?: string | null;
  @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(50) mobile?: string | null;
  @IsOptional() @IsString() studentId?: string | null;
  @IsString() employerId: string;
  @IsString() assessorId: string;
  @IsIn(LEARNER_STATUSES) status: string;
  @IsOptional() @IsSaDate() statusEffectiveDate?: string | null;
  @RequiredNullable() @ValidateNested() @Type(() => SmartCoachAnswer) smartCoach: SmartCoachAnswer | null;
  @OptionalNotNull() @IsTimestamp() createdAt?: string;
  @IsTimestamp() updatedAt: string;
}

export class ProgressAnswer {
  @IsInt() @Min(0) elementsTotal: number;
  @IsInt() @Min(0) elementsDone: number;
  @IsNumber() @Min(0) @Max(100) assessedPercent: number;
  @IsNumber() @Min(0) @Max(100) mappedPercent: number;
  @IsNumber() @Min(0) @Max(100) timelinePercent: number;
}

export class LearnerCourseAnswer {
  @IsString() id: string;
  @IsString() courseId: string;
  @RequiredNullable() @IsString() misReference: string | null;
  @IsString() qanCode: string;
  @IsString() title: string;
  @IsSaDate() startDate: string;
  @IsSaDate() plannedEndDate: string;
  @RequiredNullable() @IsSaDate() actualEndDate: string | null;
  @IsIn(COURSE_STATUSES) status: string;
  @RequiredNullable() @IsIn(COMPLETION_STATUSES) completionStatus: number | null;
  @RequiredNullable() @IsIn(OUTCOMES) outcome: number | null;
  @IsString() primaryAssessorId: string;
  @RequiredNullable() @IsString() secondaryAssessorId: string | null;
  @IsDefined() @ValidateNested() @Type(() => ProgressAnswer) progress: ProgressAnswer;
  @IsTimestamp() updatedAt: string;
}

export class LearnerCourseListAnswer {
  @IsArray() @ValidateNested({ each: true }) @Type(() => LearnerCourseAnswer) items: LearnerCourseAnswer[];
}

export class SessionAnswer {
  @IsString() id: string;
  @IsIn(SESSION_TYPES) sessionType: string;
  @IsString() title: string;
  @IsTimestamp() startTime: string;
  @IsInt() @Min(0) durationMinutes: number;
  @RequiredNullable() @IsString() assessorId: string | null;
  @RequiredNullable() @IsString() learnerCourseId: string | null;
  @RequiredNullable() @IsIn(SESSION_STATUSES) status: string | null;
  @RequiredNullable() @IsString() planningNotes: string | null;
  @RequiredNullable() @IsString() feedback: string | null;
  @RequiredNullable() @IsString() comments: string | null;
  @IsTimestamp() updatedAt: string;
}

export class OtjAnswer {
  @RequiredNullable() @IsInt() @Min(0) @Max(9999) plannedHours: number | null;
  @IsNumber() @Min(0) actualHours: number;
  @IsTimestamp() updatedAt: string;
}

type ItemClass = new () => object;

/** A page of `item`s, as the contract's `Page` schema with typed items. */
function pageOf(item: ItemClass): ItemClass {
  class PageAnswer {
    @IsArray() @ValidateNested({ each: true }) @Type(() => item) items: object[];
    @IsInt() @Min(1) page: number;
    @IsInt() @Min(1) pageSize: number;
    @IsInt() @Min(0) totalItems: number;
  }
  return PageAnswer;
}

export const CoursePageAnswer = pageOf(CourseAnswer);
export const EmployerPageAnswer = pageOf(EmployerAnswer);
export const AssessorPageAnswer = pageOf(AssessorAnswer);
export const LearnerPageAnswer = pageOf(LearnerAnswer);
export const SessionPageAnswer = pageOf(SessionAnswer);

class ErrorDetailAnswer {
  @IsString() code: string;
  @IsString() message: string;
  @IsOptional() @IsObject() details?: Record<string, unknown>;
}

/** The contract's `Error` body. */
export class ErrorAnswer {
  @IsDefined() @ValidateNested() @Type(() => ErrorDetailAnswer) error: ErrorDetailAnswer;
}

/**
 * The answer as `T` when it matches `dto` whole; otherwise a permanent error naming the
 * operation and each bad property. Values are never quoted: they may be personal data.
 */
export function readAnswer<T>(operation: string, dto: ItemClass, body: unknown): T {
  const problems = answerProblems(dto, body);
  if (problems.length === 0) return body as T;
  const fields = Object.fromEntries(problems.map((problem) => [problem.field, problem.message]));
  throw new SmartAssessorError(
    'permanent',
    `Smart Assessor's answer to ${operation} does not match the contract: ${problems
      .slice(0, 5)
      .map((problem) => problem.message)
      .join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
    { operation, fields },
  );
}

/** Each way `body` breaks `dto`, with the dotted path of the property; empty when it matches. */
export function answerProblems(dto: ItemClass, body: unknown): { field: string; message: string }[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return [{ field: '(body)', message: `the body must be a JSON object (got ${describeType(body)})` }];
  }
  const errors = validateSync(plainToInstance(dto, body), { forbidUnknownValues: false });
  const problems: { field: string; message: string }[] = [];
  collect(errors, '', problems);
  return problems;
}

function collect(errors: ValidationError[], prefix: string, into: { field: string; message: string }[]): void {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const text of Object.values(error.constraints ?? {})) {
      const reason = text.startsWith(`${error.property} `) ? text.slice(error.property.length + 1) : text;
      into.push({ field, message: `${field} ${reason} (got ${describeType(error.value)})` });
    }
    if (error.children?.length) collect(error.children, field, into);
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'text' : typeof value;
}
