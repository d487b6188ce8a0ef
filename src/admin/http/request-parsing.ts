import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ValidationFailedError } from '../../failure-kinds.js';

/**
 * Checks a JSON body against a DTO class: every bad field is named with its reason, and
 * properties the DTO does not declare are refused rather than silently dropped.
 */
export async function validateBody<T extends object>(dto: ClassConstructor<T>, body: unknown): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationFailedError('The request body must be a JSON object', { body: 'must be a JSON object' });
  }
  const instance = plainToInstance(dto, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw validationFailed(errors);
  return instance;
}

function validationFailed(errors: ValidationError[]): ValidationFailedError {
  const fields: Record<string, string> = {};
  const walk = (list: ValidationError[], parent: string) => {
    for (const error of list) {
      const path = parent ? `${parent}.${error.property}` : error.property;
      if (error.constraints) fields[path] = firstProblem(error.constraints);
      if (error.children?.length) walk(error.children, path);
    }
  };
  walk(errors, '');
  const names = Object.keys(fields);
  return new ValidationFailedError(`Invalid ${names.join(', ')}`, fields);
}

/**
 * One reason per field, the most basic one: "is required" when the field is missing,
 * otherwise the failing check declared first on the DTO (class-validator lists the
 * failed checks in reverse order of declaration), so a number sent for text reads
 * "must be text", not "must be at most 64 characters".
 */
function firstProblem(constraints: Record<string, string>): string {
  if (constraints.isDefined) return constraints.isDefined;
  const messages = Object.values(constraints);
  return messages[messages.length - 1]!;
}

export interface Paging {
  page: number;
  pageSize: number;
}

export interface PagingLimits {
  defaultPageSize: number;
  maxPageSize: number;
}

const DEFAULT_PAGING: PagingLimits = { defaultPageSize: 50, maxPageSize: 200 };

/** `page` (1-based) and `pageSize` from a query string, within bounds. */
export function parsePaging(query: Record<string, unknown>, limits: PagingLimits = DEFAULT_PAGING): Paging {
  const fields: Record<string, string> = {};
  const page = wholeNumber(query.page, 1);
  const pageSize = wholeNumber(query.pageSize, limits.defaultPageSize);
  if (page === undefined || page < 1 || page > 1_000_000) fields.page = 'must be a whole number from 1 to 1000000';
  if (pageSize === undefined || pageSize < 1 || pageSize > limits.maxPageSize) {
    fields.pageSize = `must be a whole number from 1 to ${limits.maxPageSize}`;
  }
  if (Object.keys(fields).length > 0) throw new ValidationFailedError(`Invalid ${Object.keys(fields).join(', ')}`, fields);
  return { page: page!, pageSize: pageSize! };
}

function wholeNumber(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

/** A query parameter given once as text; a repeated parameter is refused rather than guessed at. */
export function queryText(query: Record<string, unknown>, name: string, maxLength = 200): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationFailedError(`Invalid ${name}`, { [name]: 'must be given once, as text' });
  if (value.length > maxLength) throw new ValidationFailedError(`Invalid ${name}`, { [name]: `must be at most ${maxLength} characters` });
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A query parameter that, when given, is one of `allowed`. */
export function queryOneOf<T extends string>(query: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = queryText(query, name, 32);
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new ValidationFailedError(`Invalid ${name}`, { [name]: `must be one of ${allowed.join(', ')}` });
  }
  return value as T | undefined;
}

export function queryBoolean(query: Record<string, unknown>, name: string): boolean | undefined {
  const value = queryText(query, name, 5);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ValidationFailedError(`Invalid ${name}`, { [name]: 'must be true or false' });
}

export interface PageOf<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalItems: number;
}
