import { ValidationFailedError } from '../failure-kinds.js';
import type { Assessor, Employer, Page, SmartAssessorApi } from '../smart-assessor/types.js';

/** GET /api/smart-assessor/employers: by name (a case-insensitive part of it) and/or EDRS number. */
export interface EmployerLookUp {
  name?: string;
  edrsNumber?: string;
  page?: number;
  pageSize?: number;
}

/** GET /api/smart-assessor/assessors: by email (case-insensitive, whole address). */
export interface AssessorLookUp {
  email?: string;
  page?: number;
  pageSize?: number;
}

export const LOOK_UP_PAGE_SIZE = 20;
export const LOOK_UP_MAX_PAGE_SIZE = 100;

/** Look Up Smart Assessor ID for an organisation: one page of Smart Assessor employers. */
export async function lookUpEmployers(client: Pick<SmartAssessorApi, 'listEmployers'>, query: EmployerLookUp = {}): Promise<Page<Employer>> {
  const paging = pagingOf(query);
  return client.listEmployers({ ...filled({ name: query.name, edrsNumber: query.edrsNumber }), ...paging });
}

/** Look Up Smart Assessor ID for an officer: one page of Smart Assessor assessors. */
export async function lookUpAssessors(client: Pick<SmartAssessorApi, 'listAssessors'>, query: AssessorLookUp = {}): Promise<Page<Assessor>> {
  const paging = pagingOf(query);
  return client.listAssessors({ ...filled({ email: query.email }), ...paging });
}

/** The filters that say something: trimmed, blanks left out (a blank would match everything anyway). */
function filled<K extends string>(filters: Record<K, string | undefined>): Partial<Record<K, string>> {
  const kept: Partial<Record<K, string>> = {};
  for (const [name, value] of Object.entries(filters) as Array<[K, string | undefined]>) {
    const text = value?.trim();
    if (text) kept[name] = text;
  }
  return kept;
}

function pagingOf(query: { page?: number; pageSize?: number }): { page: number; pageSize: number } {
  const { page = 1, pageSize = LOOK_UP_PAGE_SIZE } = query;
  const fields: Record<string, string> = {};
  if (!Number.isInteger(page) || page < 1) fields.page = 'must be a whole number of 1 or more';
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > LOOK_UP_MAX_PAGE_SIZE) fields.pageSize = `must be a whole number from 1 to ${LOOK_UP_MAX_PAGE_SIZE}`;
  if (Object.keys(fields).length > 0) {
    throw new ValidationFailedError(
      `Look-up refused: ${Object.entries(fields)
        .map(([field, reason]) => `${field} ${reason}`)
        .join('; ')}`,
      fields,
    );
  }
  return { page, pageSize };
}
